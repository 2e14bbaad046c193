package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
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
 * A future-heavy event-loop workload for the agent's task-tracking levels ({@code tasks=off|sampled|full}): many
 * short-lived {@code CompletableFuture}s created, chained and completed on core's {@link EventLoop}. Every failure is
 * recovered in the chain and every future completes, so a correct agent finds nothing and only its bookkeeping is
 * measured. The score is source futures per second; each one brings two dependent stages with it.
 *
 * <ul>
 *   <li>{@link #completeInline()}: a source, a {@code thenApply} and a {@code handle} stage, completed at once in the
 *       same task; one source in {@value #FAILURE_EVERY} fails and {@code handle} recovers it. The futures live for
 *       nanoseconds: the cost of noticing a future is created at all.
 *   <li>{@link #fanOutThroughLoop()}: {@value #FUTURES} sources, each with a {@code thenApplyAsync(fn, loop)} stage,
 *       completed together and gathered with {@code allOf}. The sources stay pending (with a dependent) until the loop
 *       gets to them, which is exactly the state {@code full} tracking pays for.
 * </ul>
 * A benchmark that completed the futures on another thread and waited for each would measure hand-offs instead; here
 * the JMH thread waits once per batch. {@code getNow} reads results that are known to be there, which keeps the
 * loop's code free of waits that a blocking-call detector would have to inspect.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FutureTrackingBenchmark}, and with the agent
 * {@code -jvmArgsAppend -javaagent:agent/target/loopguard-agent.jar=tasks=full}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FutureTrackingBenchmark {

    static final int FUTURES = 256;
    static final int FAILURE_EVERY = 64;

    private static final BiFunction<Long, Throwable, Long> RECOVER = (value, failure) -> failure == null ? value : -1L;
    private static final RecoveredFailure FAILURE = new RecoveredFailure();

    private EventLoop loop;
    private long seed;

    @Setup
    public void startLoop() {
        BlockHoundSetup.installIfRequested();
        loop = EventLoop.builder().name("bench-futures-loop").build();
    }

    @TearDown
    public void closeLoop() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(FUTURES)
    public long completeInline() {
        long start = seed;
        seed += FUTURES;
        return loop.submit(() -> {
            long sum = 0;
            for (int i = 0; i < FUTURES; i++) {
                CompletableFuture<Long> source = new CompletableFuture<>();
                CompletableFuture<Long> handled = source.thenApply(FutureTrackingBenchmark::stepWithoutStack)
                        .handle(RECOVER);
                source.complete(start + i);
                sum += handled.getNow(0L);
            }
            return sum;
        }).join();
    }

    @Benchmark
    @OperationsPerInvocation(FUTURES)
    public long fanOutThroughLoop() {
        long start = seed;
        seed += FUTURES;
        CompletableFuture<Long> result = new CompletableFuture<>();
        loop.execute(() -> {
            @SuppressWarnings("unchecked")
            CompletableFuture<Long>[] sources = (CompletableFuture<Long>[]) new CompletableFuture<?>[FUTURES];
            @SuppressWarnings("unchecked")
            CompletableFuture<Long>[] stages = (CompletableFuture<Long>[]) new CompletableFuture<?>[FUTURES];
            for (int i = 0; i < FUTURES; i++) {
                sources[i] = new CompletableFuture<>();
                stages[i] = sources[i].thenApplyAsync(FutureTrackingBenchmark::stepWithoutStack, loop).handle(RECOVER);
            }
            for (int i = 0; i < FUTURES; i++) {
                sources[i].complete(start + i);
            }
            CompletableFutureChainBenchmark.forward(CompletableFuture.allOf(stages).thenApply(done -> {
                long sum = 0;
                for (CompletableFuture<Long> stage : stages) {
                    sum += stage.getNow(0L);
                }
                return sum;
            }), result);
        });
        return result.join();
    }

    private static long stepWithoutStack(long value) {
        if ((value & (FAILURE_EVERY - 1)) == 0) {
            throw FAILURE;
        }
        return value * 31 + 17;
    }

    /**
     * Shared and without a stack: filling in a stack per failure would dwarf the bookkeeping measured here. (The
     * {@code CompletionException} that wraps it still records one, once every {@value #FAILURE_EVERY} futures.)
     */
    private static final class RecoveredFailure extends RuntimeException {
        RecoveredFailure() {
            super("every " + FAILURE_EVERY + "th value fails, and the chain recovers it", null, false, false);
        }
    }
}
