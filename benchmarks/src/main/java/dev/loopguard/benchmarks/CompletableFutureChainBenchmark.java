package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Completing a chain of {@code thenApplyAsync(fn, loop)} stages on core's {@link EventLoop}: every stage is one hop
 * through the loop's queue, the bread and butter of event-loop code. The score is hops per second.
 *
 * <p>Why the chain is built and completed on the loop, and the benchmark thread waits once per batch of
 * {@value #HOPS} hops: the agent's cost is a few nanoseconds per intercepted call, while waking a parked thread costs
 * tens of microseconds and varies with the scheduler. {@link #wrongJoinEveryHop()} shows the mistake of waiting for
 * each hop from the benchmark thread: it measures thread hand-offs, two per hop, and any agent cost drowns in their
 * noise. {@link #chainOfLoopHops()} pays one hand-off per {@value #HOPS} hops, so the score is the loop's own work.
 *
 * <p>{@link #baselineChainWithoutHops()} builds the same chain with {@code thenApply}, which runs each stage inline
 * when the previous one completes: the difference to {@link #chainOfLoopHops()} is what a hop through the loop's queue
 * costs. Each batch starts from a new seed so that nothing can be computed once and reused.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CompletableFutureChainBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompletableFutureChainBenchmark {

    static final int HOPS = 1024;
    static final int WRONG_HOPS = 64;

    private static final Function<Long, Long> STEP = value -> value * 31 + 17;

    private EventLoop loop;
    private long seed;

    @Setup
    public void startLoop() {
        BlockHoundSetup.installIfRequested();
        loop = EventLoop.builder().name("bench-chain-loop").build();
    }

    @TearDown
    public void closeLoop() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public long chainOfLoopHops() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        long start = seed++;
        loop.execute(() -> {
            CompletableFuture<Long> head = new CompletableFuture<>();
            CompletableFuture<Long> stage = head;
            for (int i = 0; i < HOPS; i++) {
                stage = stage.thenApplyAsync(STEP, loop);
            }
            forward(stage, result);
            head.complete(start);
        });
        return result.join();
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public long baselineChainWithoutHops() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        long start = seed++;
        loop.execute(() -> {
            CompletableFuture<Long> head = new CompletableFuture<>();
            CompletableFuture<Long> stage = head;
            for (int i = 0; i < HOPS; i++) {
                stage = stage.thenApply(STEP);
            }
            forward(stage, result);
            head.complete(start);
        });
        return result.join();
    }

    @Benchmark
    @OperationsPerInvocation(WRONG_HOPS)
    public long wrongJoinEveryHop() {
        long value = seed++;
        for (int i = 0; i < WRONG_HOPS; i++) {
            long previous = value;
            value = CompletableFuture.supplyAsync(() -> STEP.apply(previous), loop).join();
        }
        return value;
    }

    /** Hands the chain's outcome, value or failure, to the future the benchmark thread waits on. */
    static <T> void forward(CompletableFuture<T> from, CompletableFuture<T> to) {
        from.whenComplete((value, failure) -> {
            if (failure != null) {
                to.completeExceptionally(failure);
            } else {
                to.complete(value);
            }
        });
    }
}
