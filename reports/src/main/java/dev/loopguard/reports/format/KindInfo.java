package dev.loopguard.reports.format;

import java.util.Map;

/** What each finding kind is, in words, for headings, SARIF rules and help. */
final class KindInfo {

    final String kind;
    final String name;
    final String title;
    final String shortDescription;
    final String fullDescription;
    final String fix;

    private KindInfo(String kind, String name, String title, String shortDescription, String fullDescription,
                     String fix) {
        this.kind = kind;
        this.name = name;
        this.title = title;
        this.shortDescription = shortDescription;
        this.fullDescription = fullDescription;
        this.fix = fix;
    }

    private static final Map<String, KindInfo> KINDS = Map.of(
            "BLOCKING_CALL", new KindInfo("BLOCKING_CALL", "BlockingCall", "Blocking calls on event-loop threads",
                    "A call that can block was made on an event-loop thread.",
                    "A sleep, wait, lock, file or socket operation, DNS lookup or process call ran on an event-loop "
                            + "thread. Every other task on that loop waited until it returned.",
                    "Move the call off the loop (EventLoop.offload(...), Vert.x executeBlocking, Reactor "
                            + "boundedElastic()) or use a non-blocking API."),
            "LOOP_STALL", new KindInfo("LOOP_STALL", "LoopStall", "Event-loop stalls",
                    "An event loop was busy in one task longer than the stall threshold.",
                    "One task held an event-loop thread longer than the agent's stallThreshold; the stack was sampled "
                            + "during the stall.",
                    "Split the work into smaller tasks or run it on a worker pool and complete back on the loop."),
            "LOST_TASK", new KindInfo("LOST_TASK", "LostTask", "Lost tasks",
                    "A task was discarded or can never complete.",
                    "Work was discarded by a rejection policy or shutdownNow(), a pending future became unreachable "
                            + "with callbacks attached, or a loop task was still pending at exit: it never ran.",
                    "Use a rejection policy that tells the caller, keep the future reachable and complete it on every "
                            + "path, or wait for the work before exiting."),
            "UNHANDLED_FAILURE", new KindInfo("UNHANDLED_FAILURE", "UnhandledFailure", "Unhandled failures",
                    "A failure happened that nothing observed.",
                    "A future failed and nobody observed it, a task's submit future was dropped, or an exception was "
                            + "uncaught: the error was lost.",
                    "Chain .exceptionally(...) or .whenComplete(...), or keep the future and join it."),
            "IGNORED_FUTURE", new KindInfo("IGNORED_FUTURE", "IgnoredFuture", "Ignored futures and publishers",
                    "A Mono, Flux, Publisher or future was dropped.",
                    "A lazy Mono, Flux or Publisher was created and dropped (so its work never runs), or a future "
                            + "returned by your own method was dropped (so its outcome is lost).",
                    "Subscribe to, return or compose the publisher; keep the future and handle its outcome."),
            "PINNED_THREAD", new KindInfo("PINNED_THREAD", "PinnedThread", "Pinned virtual threads",
                    "A virtual thread was pinned to its carrier while blocking.",
                    "A virtual thread blocked while pinned (inside synchronized or a native frame), so it held its "
                            + "carrier thread and other virtual threads could not run on it (JDK 21+).",
                    "Replace synchronized around the blocking call with a ReentrantLock, or move the call out of it."));

    static KindInfo of(String kind) {
        KindInfo info = KINDS.get(kind);
        return info != null ? info : new KindInfo(kind, kind, kind, "A " + kind + " finding.",
                "A finding of kind " + kind + ".", "See the finding's advice.");
    }
}
