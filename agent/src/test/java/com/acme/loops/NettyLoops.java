package com.acme.loops;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutorGroup;

import java.util.concurrent.TimeUnit;

/**
 * Netty: a sleep and a CPU-bound task on a channel event loop (reported), a sleep on a DefaultEventExecutorGroup
 * (not an event loop), and an idle NIO loop (its selector wait is not a blocking call). Runs on Netty 4.1 and 4.2.
 */
public final class NettyLoops {
    private NettyLoops() {
    }

    public static void main(String[] args) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        DefaultEventExecutorGroup executors = new DefaultEventExecutorGroup(1);
        try {
            EventLoop loop = group.next();
            loop.submit(NettyLoops::nettySleep).get(30, TimeUnit.SECONDS);
            loop.submit(NettyLoops::nettyCpuBound).get(30, TimeUnit.SECONDS);
            executors.submit(NettyLoops::executorSleep).get(30, TimeUnit.SECONDS);
            // Idle for longer than the stall threshold: the loop waits in its selector.
            loop.schedule(() -> { }, 300, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
            executors.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
        System.out.println("netty " + io.netty.util.Version.identify().values().iterator().next().artifactVersion());
        System.out.println("scenario done");
    }

    static Object nettySleep() throws InterruptedException {
        Thread.sleep(1);
        return null;
    }

    static Object nettyCpuBound() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return spins;
    }

    static Object executorSleep() throws InterruptedException {
        Thread.sleep(1);
        return null;
    }
}
