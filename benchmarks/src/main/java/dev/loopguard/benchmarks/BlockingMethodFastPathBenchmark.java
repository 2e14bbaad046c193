package dev.loopguard.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The price one call to a potentially blocking method pays on an ordinary (non-loop) thread, where a detector must
 * answer "not a loop thread, carry on" as fast as possible. The JMH thread is such a thread.
 *
 * <p>The method must reach the detector's check and then return without blocking, and be cheap itself, so that the
 * check is a visible part of the score:
 * <ul>
 *   <li>{@link #parkWithPermit()}: {@code unpark} of the current thread, then {@code park}, which consumes the permit
 *       and returns at once. {@code LockSupport.park} is the method every JDK wait funnels into (futures, latches,
 *       queues, locks), so it is the hottest check an agent adds; natively the pair costs a few tens of nanoseconds.
 *   <li>{@link #joinFinishedThread()}: {@code Thread.join()} on a thread that has ended, which returns after a
 *       liveness check: a Java-level blocking method that a detector advises at its entry.
 *   <li>{@link #joinCompletedFuture()}: {@code CompletableFuture.join()} on a completed future, which never reaches
 *       {@code park}. Not a blocking call by the rules, so it must cost exactly nothing.
 *   <li>{@link #baselineGetNow()}: {@code getNow} on the same future, a method no detector watches.
 * </ul>
 * The wrong choice is {@link #wrongSleepZero()}: {@code Thread.sleep(0)} is a {@code sched_yield} system call whose
 * cost (hundreds of nanoseconds to microseconds, with a long tail on a shared machine) buries a few nanoseconds of
 * checking. Reading a small cached file has the same flaw. The difference between configurations in nanoseconds per
 * call is {@code 1e9 / score}, compared row against row.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BlockingMethodFastPathBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockingMethodFastPathBenchmark {

    private CompletableFuture<Long> completed;
    private Thread finished;
    private Thread self;

    @Setup
    public void prepare() throws InterruptedException {
        BlockHoundSetup.installIfRequested();
        completed = CompletableFuture.completedFuture(System.nanoTime());
        finished = new Thread(() -> { }, "bench-finished-thread");
        finished.start();
        finished.join();
        self = Thread.currentThread();
    }

    @Benchmark
    public void parkWithPermit() {
        LockSupport.unpark(self);
        LockSupport.park();
    }

    @Benchmark
    public void joinFinishedThread() throws InterruptedException {
        finished.join();
    }

    @Benchmark
    public Long joinCompletedFuture() {
        return completed.join();
    }

    @Benchmark
    public Long baselineGetNow() {
        return completed.getNow(0L);
    }

    @Benchmark
    public void wrongSleepZero() throws InterruptedException {
        Thread.sleep(0);
    }
}
