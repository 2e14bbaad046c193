package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * Uncontended {@link ReentrantLock} and {@code synchronized} sections run by a task on core's {@link EventLoop}. An
 * uncontended lock never parks, so a blocking-call detector must cost nothing here: it may watch
 * {@code LockSupport.park} and contended monitors, but the fast path of a free lock is a single compare-and-set. The
 * score is lock acquisitions per second.
 *
 * <p>The lock objects live in this state object, so they escape and the JIT must really take them.
 * {@link #wrongLockOnLocalObject()} shows the mistake of locking an object that never leaves the method: escape
 * analysis removes the lock entirely and the benchmark measures an addition. The JIT may still coarsen neighbouring
 * {@code synchronized} sections of the unrolled loop; it does so identically with and without an agent, which is
 * what this comparison needs. {@link #baselineNoLock()} is the same arithmetic with no lock at all.
 *
 * <p>The JMH thread waits once per batch of {@value #ITERATIONS} acquisitions, so thread hand-offs do not dominate.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar UncontendedLockBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UncontendedLockBenchmark {

    static final int ITERATIONS = 4096;

    private final ReentrantLock lock = new ReentrantLock();
    private final Object monitor = new Object();
    private EventLoop loop;
    private long shared;
    private long seed;

    @Setup
    public void startLoop() {
        BlockHoundSetup.installIfRequested();
        loop = EventLoop.builder().name("bench-lock-loop").build();
    }

    @TearDown
    public void closeLoop() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS)
    public long reentrantLock() {
        long start = seed++;
        return loop.submit(() -> {
            for (int i = 0; i < ITERATIONS; i++) {
                lock.lock();
                try {
                    shared = shared * 31 + (start ^ i);
                } finally {
                    lock.unlock();
                }
            }
            return shared;
        }).join();
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS)
    public long synchronizedBlock() {
        long start = seed++;
        return loop.submit(() -> {
            for (int i = 0; i < ITERATIONS; i++) {
                synchronized (monitor) {
                    shared = shared * 31 + (start ^ i);
                }
            }
            return shared;
        }).join();
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS)
    public long baselineNoLock() {
        long start = seed++;
        return loop.submit(() -> {
            for (int i = 0; i < ITERATIONS; i++) {
                shared = shared * 31 + (start ^ i);
            }
            return shared;
        }).join();
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS)
    public long wrongLockOnLocalObject() {
        long start = seed++;
        return loop.submit(() -> {
            long local = start;
            for (int i = 0; i < ITERATIONS; i++) {
                Object neverShared = new Object();
                synchronized (neverShared) {
                    local = local * 31 + i;
                }
            }
            return local;
        }).join();
    }
}
