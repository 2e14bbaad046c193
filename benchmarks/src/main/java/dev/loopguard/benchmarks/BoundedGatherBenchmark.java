package dev.loopguard.benchmarks;

import dev.loopguard.core.Async;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading N sensors with at most {@code bound} reads in flight, as a bus or a rate limit demands. With reads of
 * latency L the ideal is ceil(N / bound) x L: full waves of {@code bound} reads, each starting the moment the previous
 * one completes. The score is milliseconds per operation (all N sensors read), so it reads against that directly.
 *
 * <ul>
 *   <li>{@link #gatherBounded()}: {@link Async#gatherBounded}, which starts the next read from the completion of an
 *       earlier one, on the thread that completed it; nothing waits for a free slot.
 *   <li>{@link #semaphore()}: the usual hand-written bound, and the baseline: the caller takes a {@link Semaphore}
 *       permit before each read (waiting when all are taken) and each completion gives its permit back.
 * </ul>
 *
 * <p>Its own class, so that {@code bound} does not multiply the parameters of {@link SequentialVsGatheredBenchmark}.
 * Fair in the same way: both variants read the same {@link SensorFleet} (latency L from a task scheduled on one
 * event loop, rounded up to the fleet timer's 10 µs tick), start reads in sensor order, return the N readings in
 * sensor order, and get the same list of read starters built once per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BoundedGatherBenchmark {

    @Param({"100", "1000"})
    public int n;

    @Param({"1", "10"})
    public int latencyMillis;

    @Param({"8", "64"})
    public int bound;

    private SensorFleet fleet;
    private Sensor[] sensors;
    private List<Supplier<CompletionStage<Reading>>> reads;

    @Setup
    public void setUp() {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be >= 1, was " + bound);
        }
        fleet = new SensorFleet(n, latencyMillis);
        sensors = fleet.sensors();
        reads = new ArrayList<>(n);
        for (Sensor sensor : sensors) {
            reads.add(sensor::read);
        }
    }

    @TearDown
    public void tearDown() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Benchmark
    public List<Reading> gatherBounded() {
        return SequentialVsGatheredBenchmark.checkedAll(Async.gatherBounded(bound, reads).join());
    }

    @Benchmark
    public List<Reading> semaphore() throws InterruptedException {
        Semaphore permits = new Semaphore(bound);
        @SuppressWarnings("unchecked")
        CompletableFuture<Reading>[] started = (CompletableFuture<Reading>[]) new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            permits.acquire();
            started[i] = reads.get(i).get().toCompletableFuture().whenComplete((reading, error) -> permits.release());
        }
        return SequentialVsGatheredBenchmark.checkedAll(CompletableFuture.allOf(started).thenApply(done -> {
            List<Reading> readings = new ArrayList<>(started.length);
            for (CompletableFuture<Reading> read : started) {
                readings.add(read.join());
            }
            return readings;
        }).join());
    }
}
