package dev.loopguard.benchmarks;

import dev.loopguard.core.Async;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Reading N sensors whose every read takes L: one after the other, or all at once. This is the claim the project's
 * async utilities rest on: gathering independent I/O turns N x L into about 1 x L. The score is milliseconds per
 * operation (one operation reads all N sensors), so it reads directly against the ideal of each variant:
 *
 * <ul>
 *   <li>{@link #sequential()}: awaits each read before starting the next. Ideal N x L. The baseline every other
 *       variant is compared with; cells where N x L passes 1 s are skipped (see {@link #skipReason}).
 *   <li>{@link #gathered()}: starts all N reads, then {@link Async#gather}. Ideal L.
 *   <li>{@link #allOf()}: the same with plain {@link CompletableFuture#allOf}, collecting the values in list order as
 *       {@code gather} does. Ideal L. The baseline {@code gather} must not lose to: its cost per task is
 *       (score - L) / N.
 *   <li>{@link #virtualThreads()}: one virtual thread per blocking read (JDK 21+). Ideal L: a virtual thread that
 *       waits gives its carrier back.
 *   <li>{@link #platformPool()}: blocking reads on a fixed pool of {@code poolSize} platform threads. Ideal
 *       ceil(N / poolSize) x L: each thread is held for the whole read, so the pool size bounds the overlap.
 * </ul>
 *
 * <p>The simulated sensor: every variant reads the same {@link SensorFleet}, N hardware-sim
 * {@code FixedLatencySensor}s on one core {@code EventLoop} (real-time clock). A read is a future that a task
 * scheduled on that loop completes after L; no thread sleeps for it. The sensors share one {@code ReadTimer} of 10 µs
 * resolution: a read's deadline is rounded up to the next 10 µs tick, and all reads due at one tick are completed by
 * one scheduled task, so a read takes between L and L + 10 µs, and starting one costs a push onto its tick's list
 * instead of a scheduled task of its own. The blocking variants call {@code readBlocking()}, which starts the same
 * read and waits for that same completion.
 *
 * <p>Why the setup is fair: the sensor path is the same for every variant, so the non-blocking variants pay only for
 * starting reads and collecting values, and the blocking ones for their threads on top. Every variant returns the N
 * readings in sensor order (JMH consumes them), and every executor is explicit: on 2 cores the common pool has one
 * thread, which would measure the pool, not the pattern. Executors and sensors are created once per trial, outside
 * the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SequentialVsGatheredBenchmark {

    /** Above this, {@code sequential} takes more than a second per operation and is not measured. */
    static final long SEQUENTIAL_LIMIT_MILLIS = 1000;

    @Param({"1", "10", "100", "1000", "10000"})
    public int n;

    @Param({"1", "10"})
    public int latencyMillis;

    /** The platform pool's thread count; the reports draw platformPool's ideal from it. */
    @Param({"64"})
    public int poolSize;

    private SensorFleet fleet;
    private Sensor[] sensors;
    private List<Callable<Reading>> blockingReads;
    private ExecutorService platformPool;
    private ExecutorService virtualThreads;

    /**
     * Why {@code method} is not measured at {@code n} and {@code latencyMillis} on this JVM, if it is not: the
     * runner leaves such cells out, and the setup refuses them when started from the JMH command line.
     */
    static Optional<String> skipReason(String method, int n, int latencyMillis) {
        long idealMillis = (long) n * latencyMillis;
        if (method.equals("sequential") && idealMillis > SEQUENTIAL_LIMIT_MILLIS) {
            return Optional.of("N x L = " + n + " x " + latencyMillis + " ms = " + idealMillis / 1000.0
                    + " s per operation passes the " + SEQUENTIAL_LIMIT_MILLIS / 1000 + " s limit for awaiting each "
                    + "read in turn; its ideal, N x L, is known without measuring it");
        }
        if (method.equals("virtualThreads") && !VirtualThreads.available()) {
            return Optional.of(VirtualThreads.unavailableReason());
        }
        return Optional.empty();
    }

    @Setup
    public void setUp(BenchmarkParams params) {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Optional<String> skip = skipReason(method, n, latencyMillis);
        if (skip.isPresent()) {
            throw new BenchmarkSkippedException(method + " n=" + n + " latencyMillis=" + latencyMillis, skip.get());
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
        }
        fleet = new SensorFleet(n, latencyMillis);
        sensors = fleet.sensors();
        blockingReads = new ArrayList<>(n);
        for (Sensor sensor : sensors) {
            blockingReads.add(sensor::readBlocking);
        }
        if (method.equals("platformPool")) {
            platformPool = Executors.newFixedThreadPool(poolSize, named("bench-platform-reader-"));
        }
        if (method.equals("virtualThreads")) {
            virtualThreads = VirtualThreads.newPerTaskExecutor();
        }
    }

    @TearDown
    public void tearDown() {
        if (platformPool != null) {
            platformPool.shutdownNow();
        }
        if (virtualThreads != null) {
            virtualThreads.shutdownNow();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Benchmark
    public List<Reading> sequential() {
        List<Reading> readings = new ArrayList<>(sensors.length);
        for (Sensor sensor : sensors) {
            readings.add(sensor.read().toCompletableFuture().join());
        }
        return checkedAll(readings);
    }

    @Benchmark
    public List<Reading> gathered() {
        List<CompletionStage<Reading>> reads = new ArrayList<>(sensors.length);
        for (Sensor sensor : sensors) {
            reads.add(sensor.read());
        }
        return checkedAll(Async.gather(reads).join());
    }

    @Benchmark
    public List<Reading> allOf() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Reading>[] reads = (CompletableFuture<Reading>[]) new CompletableFuture<?>[sensors.length];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = sensors[i].read().toCompletableFuture();
        }
        return checkedAll(CompletableFuture.allOf(reads).thenApply(done -> {
            List<Reading> readings = new ArrayList<>(reads.length);
            for (CompletableFuture<Reading> read : reads) {
                readings.add(read.join());
            }
            return readings;
        }).join());
    }

    @Benchmark
    public List<Reading> virtualThreads() throws InterruptedException, ExecutionException {
        return blockingReadsOn(virtualThreads);
    }

    @Benchmark
    public List<Reading> platformPool() throws InterruptedException, ExecutionException {
        return blockingReadsOn(platformPool);
    }

    private List<Reading> blockingReadsOn(ExecutorService executor) throws InterruptedException, ExecutionException {
        List<Future<Reading>> reads = new ArrayList<>(sensors.length);
        for (Callable<Reading> read : blockingReads) {
            reads.add(executor.submit(read));
        }
        List<Reading> readings = new ArrayList<>(reads.size());
        for (Future<Reading> read : reads) {
            readings.add(read.get());
        }
        return checkedAll(readings);
    }

    static Reading checked(Reading reading) {
        if (reading.value(Quantity.TEMPERATURE) != SensorFleet.TEMPERATURE) {
            throw new IllegalStateException("sensor " + reading.device() + " read " + reading
                    + ", not the fixed " + SensorFleet.TEMPERATURE);
        }
        return reading;
    }

    /**
     * Checks the first and last reading, the same in every variant: enough to catch a missing or foreign value,
     * and cheap at N = 10,000.
     */
    static List<Reading> checkedAll(List<Reading> readings) {
        checked(readings.get(0));
        checked(readings.get(readings.size() - 1));
        return readings;
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
