package dev.loopguard.benchmarks;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hot paths a blocking-call detector sits on, on one Netty 4.2 loop ({@code MultiThreadIoEventLoopGroup} with the
 * NIO handler): every lock, every join of a future and every task hop of a correct program. {@link #mixed()} does it
 * all at once: a task that re-submits itself to its loop {@value #STEPS} times, and in every run creates a
 * {@code CompletableFuture}, chains a {@code thenApply}, completes it, and joins the completed dependent while holding
 * an uncontended {@code ReentrantLock}. None of it ever blocks, so a detector should cost a field read per call. The
 * parts, each measured alone: {@link #resubmitOnly()} (the task hop), and in loop tasks of
 * {@value Batches#BATCH} steps each, {@link #lockOnly()} (lock and unlock) and {@link #futureOnly()} (create, chain,
 * complete). The score is
 * operations per second (task runs for the chain, iterations for the parts).
 *
 * <p>Netty 4.2 drains its task queue for up to a second before it selects again, so the chain keeps the loop busy
 * without an idle wait for a tenth of a second or more; a stall detector must see many short tasks there, not one long
 * one (the agent's report of every Loopguard fork is checked for findings).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NettyMixedWorkloadBenchmark}; the paired comparison with
 * no agent, Loopguard and BlockHound: {@code TrackingCostSeries} with {@code -Dloopguard.series.suite=hot-paths}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NettyMixedWorkloadBenchmark {

    /** Task runs of one invocation: two million, as in the workload the agent's targets are stated for. */
    static final int STEPS = 1 << 21;

    private static final Function<Long, Long> NEXT = value -> value * 31 + 7;

    private final ReentrantLock lock = new ReentrantLock();
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    long shared;
    private long seed;

    @Setup
    public void startLoop() {
        BlockHoundSetup.installIfRequested();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @TearDown
    public void stopLoop() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long mixed() {
        Chain chain = new MixedChain(loop, STEPS, seed++, lock);
        loop.execute(chain);
        return chain.done.join();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long resubmitOnly() {
        Chain chain = new Chain(loop, STEPS, seed++);
        loop.execute(chain);
        return chain.done.join();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long lockOnly() {
        Batches batches = new Batches(loop, seed++) {
            @Override
            long step(long accumulator, int i) {
                lock.lock();
                try {
                    shared = shared * 31 + (accumulator ^ i);
                    return shared;
                } finally {
                    lock.unlock();
                }
            }
        };
        loop.execute(batches);
        return batches.done.join();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long futureOnly() {
        Batches batches = new Batches(loop, seed++) {
            @Override
            long step(long accumulator, int i) {
                CompletableFuture<Long> source = new CompletableFuture<>();
                CompletableFuture<Long> dependent = source.thenApply(NEXT);
                source.complete(accumulator ^ i);
                return dependent.getNow(accumulator);
            }
        };
        loop.execute(batches);
        return batches.done.join();
    }

    /**
     * A part measured alone: {@value #BATCH} steps per loop task, so that the part is nearly all that runs, and the
     * task re-submits itself until {@value #STEPS} steps are done. One task doing them all would hold the loop for a
     * tenth of a second or more: a real stall, which a stall detector would rightly report and sample.
     */
    abstract static class Batches implements Runnable {
        static final int BATCH = 4096;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final EventLoop loop;
        private int remaining = STEPS;
        private long accumulator;

        Batches(EventLoop loop, long seed) {
            this.loop = loop;
            this.accumulator = seed;
        }

        abstract long step(long accumulator, int i);

        @Override
        public final void run() {
            long value = accumulator;
            for (int i = 0; i < BATCH; i++) {
                value = step(value, i);
            }
            accumulator = value;
            remaining -= BATCH;
            if (remaining > 0) {
                loop.execute(this);
            } else {
                done.complete(value);
            }
        }
    }

    /** One step per run; runs again by putting itself back on the loop until its budget is spent. */
    static class Chain implements Runnable {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final EventLoop loop;
        private int remaining;
        long accumulator;

        Chain(EventLoop loop, int steps, long seed) {
            this.loop = loop;
            this.remaining = steps;
            this.accumulator = seed;
        }

        void step(int remaining) {
            accumulator = accumulator * 31 + remaining;
        }

        @Override
        public final void run() {
            step(remaining);
            if (--remaining > 0) {
                loop.execute(this);
            } else {
                done.complete(accumulator);
            }
        }
    }

    /** The chain whose every step is a future completed through a dependent and joined under a free lock. */
    static final class MixedChain extends Chain {
        private final ReentrantLock lock;

        MixedChain(EventLoop loop, int steps, long seed, ReentrantLock lock) {
            super(loop, steps, seed);
            this.lock = lock;
        }

        @Override
        void step(int remaining) {
            CompletableFuture<Long> source = new CompletableFuture<>();
            CompletableFuture<Long> dependent = source.thenApply(NEXT);
            source.complete(accumulator ^ remaining);
            lock.lock();
            try {
                accumulator = dependent.join();
            } finally {
                lock.unlock();
            }
        }
    }
}
