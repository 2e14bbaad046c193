package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Heap retained per pending {@code CompletableFuture} held by application code on core's {@link EventLoop}: the
 * state the agent's {@code tasks=full} level must track, since a pending future that callbacks wait on is a lost task
 * if it becomes unreachable. Run once without the agent and once with it; the difference per future is what tracking
 * costs in memory (target: at most 64 bytes).
 *
 * <p>Each element is what a request in flight looks like: a pending future returned by an application method (the
 * "client call") and the {@code thenApply} stage chained to it, both kept by the application. Both are futures that
 * application code received from a call, which is what the agent tracks at {@code full}; so the figure is the heap
 * per element divided by {@value #FUTURES_PER_ELEMENT}.
 *
 * <p>Allocation rates ({@code gc.alloc.rate.norm}) would count short-lived garbage too; what matters for a service
 * holding thousands of pending requests is what stays reachable. So this measures the used heap after full
 * collections, before and after creating {@code count} elements that are kept reachable, and divides. With a
 * stop-the-world collector and a fixed heap, {@code System.gc()} leaves only live objects. The futures are completed
 * afterwards so that a correct agent reports nothing at exit.
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Xms512m -Xmx512m [-javaagent:...] -cp benchmarks/target/benchmarks.jar
 * dev.loopguard.benchmarks.PendingFutureFootprint 200000}. Prints one line:
 * {@code bytesPerPendingFuture=<double> count=<elements> futuresPerElement=2}.
 */
public final class PendingFutureFootprint {

    static final int DEFAULT_COUNT = 200_000;
    static final int FUTURES_PER_ELEMENT = 2;

    private PendingFutureFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            throw new IllegalArgumentException("expected at most one argument, the number of futures, was "
                    + args.length + " arguments");
        }
        int count = args.length == 0 ? DEFAULT_COUNT : parseCount(args[0]);
        System.out.printf(Locale.ROOT, "bytesPerPendingFuture=%.1f count=%d futuresPerElement=%d%n", measure(count),
                count, FUTURES_PER_ELEMENT);
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

    /** Bytes of heap retained per pending future, including its share of the slots that keep it. */
    static double measure(int count) throws Exception {
        try (EventLoop loop = EventLoop.builder().name("footprint-loop").build()) {
            // Warm the code paths (and any agent) first, so that class metadata and caches are not counted.
            createAndComplete(loop, 1000);
            long before = usedHeapAfterGc();
            Requests requests = loop.submit(() -> Requests.start(count)).get();
            long after = usedHeapAfterGc();
            Reference.reachabilityFence(requests);
            loop.submit(requests::complete).get();
            return (after - before) / (double) (count * FUTURES_PER_ELEMENT);
        }
    }

    private static void createAndComplete(EventLoop loop, int count) throws Exception {
        Requests requests = loop.submit(() -> Requests.start(count)).get();
        loop.submit(requests::complete).get();
    }

    /** Requests in flight: each a pending call and the stage that will handle its reply. */
    static final class Requests {
        final CompletableFuture<Long>[] calls;
        final CompletableFuture<Long>[] replies;

        @SuppressWarnings("unchecked")
        private Requests(int count) {
            calls = (CompletableFuture<Long>[]) new CompletableFuture<?>[count];
            replies = (CompletableFuture<Long>[]) new CompletableFuture<?>[count];
        }

        static Requests start(int count) {
            Requests requests = new Requests(count);
            for (int i = 0; i < count; i++) {
                requests.calls[i] = sendRequest();
                requests.replies[i] = requests.calls[i].thenApply(reply -> reply + 1);
            }
            return requests;
        }

        /** Stands for a client call whose reply has not arrived yet. */
        static CompletableFuture<Long> sendRequest() {
            return new CompletableFuture<>();
        }

        long complete() {
            long sum = 0;
            for (int i = 0; i < calls.length; i++) {
                calls[i].complete((long) i);
                sum += replies[i].join();
            }
            return sum;
        }
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
