package dev.loopguard.benchmarks;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A task that re-submits itself to a Netty 4.2 event loop {@value #TASKS} times: the shape of a protocol state machine
 * that yields to the loop between steps. Both loop kinds are measured: {@code nio} (a
 * {@code MultiThreadIoEventLoopGroup} with the NIO handler, whose idle wait is a selector) and {@code default} (a
 * {@code DefaultEventLoop}, whose idle wait is a blocking queue). Neither idle wait may count as a blocking call, and
 * neither may cost the agent anything while the loop is busy. The score is tasks run per second.
 *
 * <p>Every re-submission happens on the loop thread, so Netty appends to its task queue without waking anyone; the
 * benchmark thread waits once per batch. Submitting each task from the benchmark thread instead would measure
 * wake-ups and queue contention between two threads, not the loop. {@link #baselineOneTask()} does the same steps in
 * one task, so the difference is the price of a trip through Netty's queue.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NettyResubmitBenchmark -p loopKind=nio}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NettyResubmitBenchmark {

    static final int TASKS = 1024;

    @Param({"nio", "default"})
    public String loopKind;

    private EventLoopGroup group;
    private EventLoop loop;
    private long seed;

    @Setup
    public void startLoop() {
        BlockHoundSetup.installIfRequested();
        switch (loopKind) {
            case "nio":
                group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                break;
            case "default":
                group = new DefaultEventLoopGroup(1);
                break;
            default:
                throw new IllegalArgumentException("loopKind must be nio or default, was '" + loopKind + "'");
        }
        loop = group.next();
    }

    @TearDown
    public void stopLoop() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long resubmittingTask() {
        ResubmittingTask task = new ResubmittingTask(loop, TASKS, seed++);
        loop.execute(task);
        return task.done.join();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long baselineOneTask() {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long start = seed++;
        loop.execute(() -> {
            long accumulator = start;
            for (int remaining = TASKS; remaining > 0; remaining--) {
                accumulator = ResubmittingTask.step(accumulator, remaining);
            }
            done.complete(accumulator);
        });
        return done.join();
    }

    /** One step per run; runs again by putting itself back on the loop until its budget is spent. */
    static final class ResubmittingTask implements Runnable {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final EventLoop loop;
        private int remaining;
        private long accumulator;

        ResubmittingTask(EventLoop loop, int steps, long seed) {
            this.loop = loop;
            this.remaining = steps;
            this.accumulator = seed;
        }

        static long step(long accumulator, int remaining) {
            return accumulator * 31 + remaining;
        }

        @Override
        public void run() {
            accumulator = step(accumulator, remaining);
            if (--remaining > 0) {
                loop.execute(this);
            } else {
                done.complete(accumulator);
            }
        }
    }
}
