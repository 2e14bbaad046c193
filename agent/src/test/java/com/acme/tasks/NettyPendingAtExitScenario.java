package com.acme.tasks;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.Version;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tasks queued on a Netty channel event loop that is still busy with an earlier task when the JVM exits: they never
 * run. One task ran before, and a periodic schedule is stopped by the exit: neither is lost. Runs on Netty 4.1 and
 * 4.2; exits with {@code System.exit}, as Netty's loop threads would keep the JVM alive.
 */
public final class NettyPendingAtExitScenario {

    private NettyPendingAtExitScenario() {
    }

    public static void main(String[] args) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        EventLoop loop = group.next();
        ranBeforeExit(loop);
        periodicSchedule(loop);
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> occupyTheLoop(busy));
        if (!busy.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the loop did not start its busy task");
        }
        queuedBehindABusyTask(loop);
        queuedBehindABusyTask(loop);
        scheduledForLater(loop);
        System.out.println("netty " + Version.identify().values().iterator().next().artifactVersion());
        System.out.println("scenario done");
        System.exit(0);
    }

    static void ranBeforeExit(EventLoop loop) throws Exception {
        loop.submit(() -> "ran").get(30, TimeUnit.SECONDS);
    }

    static void periodicSchedule(EventLoop loop) {
        loop.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
    }

    static void queuedBehindABusyTask(EventLoop loop) {
        loop.execute(() -> System.out.println("never printed"));
    }

    static void scheduledForLater(EventLoop loop) {
        loop.schedule(() -> System.out.println("never printed"), 1, TimeUnit.HOURS);
    }

    /** Keeps the loop busy until the JVM exits (no blocking call: it spins). */
    private static void occupyTheLoop(CountDownLatch busy) {
        busy.countDown();
        long n = 0;
        while (true) {
            n += Long.numberOfTrailingZeros(n + System.nanoTime());
            Thread.onSpinWait();
        }
    }
}
