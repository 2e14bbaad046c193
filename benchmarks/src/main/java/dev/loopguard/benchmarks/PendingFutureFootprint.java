package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Heap retained per pending {@code CompletableFuture} that has one dependent stage, created on core's
 * {@link EventLoop}: the state the agent's {@code tasks=full} level must track, since such a future is a lost task if
 * it becomes unreachable. Run once without the agent and once with it; the difference per future is what tracking
 * costs in memory (target: at most 64 bytes).
 *
 * <p>Allocation rates ({@code gc.alloc.rate.norm}) would count short-lived garbage too; what matters for a service
 * holding thousands of pending requests is what stays reachable. So this measures the used heap after full
 * collections, before and after creating {@code count} futures that are kept reachable, and divides. With a
 * stop-the-world collector and a fixed heap, {@code System.gc()} leaves only live objects, and the figure is stable to
 * within a byte or two per future for counts in the hundreds of thousands. The futures are completed afterwards so
 * that a correct agent reports nothing at exit.
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Xms512m -Xmx512m [-javaagent:...] -cp benchmarks/target/benchmarks.jar
 * dev.loopguard.benchmarks.PendingFutureFootprint 200000}. Prints one line:
 * {@code bytesPerPendingFuture=<double> count=<n>}.
 */
public final class PendingFutureFootprint {

    static final int DEFAULT_COUNT = 200_000;

    private PendingFutureFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            throw new IllegalArgumentException("expected at most one argument, the number of futures, was "
                    + args.length + " arguments");
        }
        int count = args.length == 0 ? DEFAULT_COUNT : parseCount(args[0]);
        System.out.printf(Locale.ROOT, "bytesPerPendingFuture=%.1f count=%d%n", measure(count), count);
    }

    static int parseCount(String text) {
        int count;
        try {
            count = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("count must be a whole number of futures, was '" + text + "'", e);
        }
        if (count < 1000) {
            throw new IllegalArgumentException("count must be >= 1000 so that heap noise averages out, was " + count);
        }
        return count;
    }

    /** Bytes of heap retained per pending future with one dependent, including its slot in the holding array. */
    static double measure(int count) throws Exception {
        try (EventLoop loop = EventLoop.builder().name("footprint-loop").build()) {
            // Warm the code paths (and any agent) first, so that class metadata and caches are not counted.
            createAndComplete(loop, 1000);
            long before = usedHeapAfterGc();
            @SuppressWarnings("unchecked")
            CompletableFuture<Long>[] sources = loop.submit(() -> createPending(count)).get();
            long after = usedHeapAfterGc();
            Reference.reachabilityFence(sources);
            loop.submit(() -> completeAll(sources)).get();
            return (after - before) / (double) count;
        }
    }

    private static void createAndComplete(EventLoop loop, int count) throws Exception {
        CompletableFuture<Long>[] sources = loop.submit(() -> createPending(count)).get();
        loop.submit(() -> completeAll(sources)).get();
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Long>[] createPending(int count) {
        CompletableFuture<Long>[] sources = (CompletableFuture<Long>[]) new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            sources[i] = new CompletableFuture<>();
            // The dependent is what makes a pending future worth tracking: its callback waits for the source.
            sources[i].thenApply(value -> value + 1);
        }
        return sources;
    }

    private static long completeAll(CompletableFuture<Long>[] sources) {
        for (int i = 0; i < sources.length; i++) {
            sources[i].complete((long) i);
        }
        return sources.length;
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // Several rounds: reference processing and finalization can free more on the next collection.
        for (int round = 0; round < 4; round++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
