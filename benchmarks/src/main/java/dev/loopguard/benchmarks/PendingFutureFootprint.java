package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
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
 * collections while {@code count} elements are kept pending (see {@link #measure(int)}). With a
 * stop-the-world collector and a fixed heap, {@code System.gc()} leaves only live objects. The futures are completed
 * afterwards so that a correct agent reports nothing at exit.
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Xms1g -Xmx1g [-javaagent:...] -cp benchmarks/target/benchmarks.jar
 * dev.loopguard.benchmarks.PendingFutureFootprint 500000}. Prints one line:
 * {@code bytesPerPendingFuture=<double> count=<elements> futuresPerElement=2}.
 */
public final class PendingFutureFootprint {

    static final int DEFAULT_COUNT = 500_000;
    static final int FUTURES_PER_ELEMENT = 2;
    static final int CHUNK = 2000;
    static final int STEPS = 4;
    static final int SETTLE_ATTEMPTS = 40;
    static final long SETTLE_PAUSE_MILLIS = 25;

    private PendingFutureFootprint() {
    }

    static final CommandLine COMMAND_LINE = new CommandLine("PendingFutureFootprint", "[count]", """
            Measures the heap retained per pending CompletableFuture while count elements (default 500000, at least
            1000; two futures each) stay pending, and prints one line:
              bytesPerPendingFuture=<double> count=<elements> futuresPerElement=2
            Run it with -XX:+UseSerialGC -Xms1g -Xmx1g, and with -javaagent:... to measure the agent's share.
            AgentOverheadRun runs it for every task-tracking level.""");

    public static void main(String[] args) throws Exception {
        if (!CommandLine.proceedOrExit(COMMAND_LINE.screen(args, 1, System.out, System.err))) {
            return;
        }
        int count;
        try {
            count = args.length == 0 ? DEFAULT_COUNT : parseCount(args[0]);
        } catch (IllegalArgumentException e) {
            CommandLine.proceedOrExit(COMMAND_LINE.refuse(e.getMessage(), System.err));
            return;
        }
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

    /**
     * Bytes of heap retained per pending future, including its share of the completion linking call and stage.
     *
     * <p>Measured as a slope while everything stays pending: the used heap after the first {@value #STEPS}th of the
     * requests has started, and again after all of them have; the difference divided by the futures added in
     * between. Nothing completes during the measurement, so an agent that holds on to records of completed futures
     * until a background thread releases them cannot blur the figure, and one-time costs (the first table, the
     * first records) fall into the first step.
     */
    static double measure(int count) throws Exception {
        try (EventLoop loop = EventLoop.builder().name("footprint-loop").build()) {
            // Warm the code paths (and any agent) first, so that class metadata and caches are not counted.
            Requests warmUp = new Requests(CHUNK);
            warmUp.startOn(loop, 0, CHUNK);
            warmUp.completeOn(loop);
            Requests requests = new Requests(count);
            int first = count / STEPS;
            requests.startOn(loop, 0, first);
            long afterFirst = usedHeapAfterGc();
            requests.startOn(loop, first, count);
            long afterAll = usedHeapAfterGc();
            requests.completeOn(loop);
            if (Boolean.getBoolean("loopguard.footprint.verbose")) {
                System.out.printf(Locale.ROOT, "used with %d requests pending: %d bytes; with %d: %d bytes%n",
                        first, afterFirst, count, afterAll);
            }
            return (afterAll - afterFirst) / (double) ((count - first) * FUTURES_PER_ELEMENT);
        }
    }

    /**
     * Requests in flight: each a pending call and the stage that will handle its reply. They are started and
     * completed in loop tasks of {@value #CHUNK}, as a well-behaved loop program would: one task creating hundreds of
     * thousands of futures would stall the loop, and a stall detector sampling it would add its own allocations to the
     * measurement.
     */
    static final class Requests {
        final CompletableFuture<Long>[] calls;
        final CompletableFuture<Long>[] replies;

        @SuppressWarnings("unchecked")
        Requests(int count) {
            calls = (CompletableFuture<Long>[]) new CompletableFuture<?>[count];
            replies = (CompletableFuture<Long>[]) new CompletableFuture<?>[count];
        }

        void startOn(EventLoop loop, int fromIndex, int toIndex) throws Exception {
            for (int from = fromIndex; from < toIndex; from += CHUNK) {
                int to = Math.min(toIndex, from + CHUNK);
                int first = from;
                loop.submit(() -> start(first, to)).get();
            }
        }

        void completeOn(EventLoop loop) throws Exception {
            for (int from = 0; from < calls.length; from += CHUNK) {
                int to = Math.min(calls.length, from + CHUNK);
                int first = from;
                loop.submit(() -> complete(first, to)).get();
            }
        }

        private int start(int from, int to) {
            for (int i = from; i < to; i++) {
                calls[i] = sendRequest();
                replies[i] = calls[i].thenApply(reply -> reply + 1);
            }
            return to - from;
        }

        /** Stands for a client call whose reply has not arrived yet. */
        static CompletableFuture<Long> sendRequest() {
            return new CompletableFuture<>();
        }

        private long complete(int from, int to) {
            long sum = 0;
            for (int i = from; i < to; i++) {
                calls[i].complete((long) i);
                sum += replies[i].join();
            }
            return sum;
        }
    }

    /**
     * The used heap after full collections, once it has stopped shrinking: an agent's background threads may still be
     * releasing what they held a moment ago. Bounded: at most {@value #SETTLE_ATTEMPTS} collections,
     * {@value #SETTLE_PAUSE_MILLIS} ms apart.
     */
    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long lowest = Long.MAX_VALUE;
        int withoutImprovement = 0;
        for (int attempt = 0; attempt < SETTLE_ATTEMPTS && withoutImprovement < 3; attempt++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used < lowest - lowest / 1000) {
                withoutImprovement = 0;
            } else {
                withoutImprovement++;
            }
            lowest = Math.min(lowest, used);
            Thread.sleep(SETTLE_PAUSE_MILLIS);
        }
        return lowest;
    }
}
