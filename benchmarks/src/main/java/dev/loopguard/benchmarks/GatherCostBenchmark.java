package dev.loopguard.benchmarks;

import dev.loopguard.core.Async;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What {@code gather} costs per task against {@code allOf}, with no timer and no second thread: N incomplete futures
 * are gathered, then completed one by one on the calling thread, and the gathered list is joined. The score, in
 * microseconds per operation, divided by N is the cost per task of creating a future, registering on it, completing
 * it and collecting its value.
 *
 * <p>Why it is its own benchmark: in {@link SequentialVsGatheredBenchmark} the same difference is (score - L) / N,
 * a few tens of nanoseconds per task beside a latency of milliseconds and the wake-ups of two threads, so on a shared
 * 2-core machine neighbouring runs differ by more than the two variants do. Here both variants do the same work but
 * for the gathering itself, on one thread, so the difference is the gathering.
 *
 * <ul>
 *   <li>{@link #gather()}: {@code Async.gather(futures)}: a callback per input, the values kept in list order.
 *   <li>{@link #allOf()}: the baseline: {@code CompletableFuture.allOf}, then the values collected in list order,
 *       as {@code SequentialVsGatheredBenchmark.allOf} does.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GatherCostBenchmark {

    @Param({"1000", "10000"})
    public int n;

    /** The value every future completes with; checked, so that a lost value cannot pass unnoticed. */
    private static final Integer VALUE = 7;

    @Benchmark
    public List<Integer> gather() {
        List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(new CompletableFuture<>());
        }
        CompletableFuture<List<Integer>> all = Async.gather(futures);
        for (CompletableFuture<Integer> future : futures) {
            future.complete(VALUE);
        }
        return checked(all.join());
    }

    @Benchmark
    public List<Integer> allOf() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] futures = (CompletableFuture<Integer>[]) new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            futures[i] = new CompletableFuture<>();
        }
        CompletableFuture<List<Integer>> all = CompletableFuture.allOf(futures).thenApply(done -> {
            List<Integer> values = new ArrayList<>(futures.length);
            for (CompletableFuture<Integer> future : futures) {
                values.add(future.join());
            }
            return values;
        });
        for (CompletableFuture<Integer> future : futures) {
            future.complete(VALUE);
        }
        return checked(all.join());
    }

    private List<Integer> checked(List<Integer> values) {
        if (values.size() != n || !VALUE.equals(values.get(0)) || !VALUE.equals(values.get(n - 1))) {
            throw new IllegalStateException("gathered " + values.size() + " values, not " + n + " of " + VALUE);
        }
        return values;
    }
}
