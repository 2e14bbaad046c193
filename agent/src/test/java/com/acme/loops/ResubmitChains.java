package com.acme.loops;

import dev.loopguard.core.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A chain of tasks that each take nanoseconds and re-submit themselves to their loop, for far longer than the stall
 * threshold, then one CPU-bound task that does hold the loop (for 400 ms of CPU time). The loop runs the chain without
 * going idle (Netty 4.2's {@code MultiThreadIoEventLoopGroup} drains its task queue for up to a second before it
 * selects again), yet no single task holds it: only the CPU-bound task is a stall.
 *
 * <p>Argument {@code netty}: a Netty {@code NioEventLoopGroup} (on Netty 4.2, a {@code MultiThreadIoEventLoopGroup});
 * {@code core}: core's {@link EventLoop}.
 */
public final class ResubmitChains {
    static final long CHAIN_MILLIS = 1_500;
    static final long STALL_MILLIS = 400;

    private ResubmitChains() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !("netty".equals(args[0]) || "core".equals(args[0]))) {
            throw new IllegalArgumentException("expected one argument, netty or core; was " + String.join(" ", args));
        }
        if ("netty".equals(args[0])) {
            NioEventLoopGroup group = new NioEventLoopGroup(1);
            try {
                run(group.next());
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
            }
            System.out.println("netty "
                    + io.netty.util.Version.identify().values().iterator().next().artifactVersion());
        } else {
            try (EventLoop loop = EventLoop.builder().name("chain-loop").build()) {
                run(loop);
            }
        }
        System.out.println("scenario done");
    }

    private static void run(Executor loop) throws Exception {
        Chain chain = new Chain(loop, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHAIN_MILLIS));
        loop.execute(chain);
        long steps = chain.done.get(60, TimeUnit.SECONDS);
        System.out.println("chain steps " + steps);
        CompletableFuture<Long> stall = new CompletableFuture<>();
        long[] spins = new long[1];
        // The stalling task does nothing after its spin; the next task hands its result over, so that waking the main
        // thread (slow on a loaded machine) is no part of the stall and its samples.
        loop.execute(() -> spins[0] = cpuBoundTask());
        loop.execute(() -> stall.complete(spins[0]));
        stall.get(60, TimeUnit.SECONDS);
    }

    /**
     * Spins until this thread has had {@value #STALL_MILLIS} ms of CPU, not of the clock: while the agent's own
     * start-up work runs, a stall counts at the CPU time the loop got, and on a loaded machine 400 ms of the clock can
     * be a few milliseconds of CPU. Bounded by a minute of the clock, so the scenario never hangs.
     */
    static long cpuBoundTask() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuEnd = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
        long wallEnd = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        long spins = 0;
        while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
            spins++;
        }
        return spins;
    }

    /** One step per run; looks at the clock every 1,024 steps, so that each step stays a few nanoseconds of work. */
    static final class Chain implements Runnable {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final Executor loop;
        private final long deadline;
        private long steps;

        Chain(Executor loop, long deadline) {
            this.loop = loop;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            chainStep();
        }

        private void chainStep() {
            steps++;
            if ((steps & 1023) != 0 || System.nanoTime() < deadline) {
                loop.execute(this);
            } else {
                done.complete(steps);
            }
        }
    }
}
