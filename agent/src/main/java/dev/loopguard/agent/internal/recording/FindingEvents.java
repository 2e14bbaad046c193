package dev.loopguard.agent.internal.recording;

import dev.loopguard.agent.Finding;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

import java.util.List;

/**
 * Emits findings as JFR events ({@code loopguard.BlockingCall}, {@code loopguard.LoopStall}, ...). The event's own
 * stack trace is the recording thread's; the finding's stack (for a stall, the stalled thread's sampled stack) is in
 * the {@code stack} field, innermost first, one frame per line. Every occurrence has its event, except repeats at a
 * stack the detector knows, which share one per site every {@link FindingRecorder#REPEAT_EVENT_INTERVAL_NANOS}: the
 * {@code occurrences} field says how many occurrences an event stands for.
 */
public final class FindingEvents {
    private final RecordingFailures failures;

    FindingEvents(RecordingFailures failures) {
        this.failures = failures;
    }

    /**
     * Initializes every event type ahead of the first finding (registration is slow the first time). JFR registers an
     * event class in its static initializer; calling {@code FlightRecorder.register} here instead would take JFR's
     * lock and the class-initialization lock in the opposite order from a thread committing the first event.
     */
    public static void register() throws ClassNotFoundException {
        for (Class<?> type : List.of(BlockingCall.class, LoopStall.class, LostTask.class, UnhandledFailure.class,
                IgnoredFuture.class, PinnedThread.class)) {
            Class.forName(type.getName(), true, type.getClassLoader());
        }
    }

    /** The finding's event, standing for {@code occurrences} occurrences of its site (this one included). */
    void emit(Finding f, long occurrences) {
        emit(f, occurrences, false);
    }

    /**
     * Repeats at a stack the detector has seen: the same event type, thread, site and operation, without the
     * {@code message} and {@code stack} strings, which the site's first event carries (writing them again, about a
     * kilobyte, cost more than the rest of a repeat), standing for {@code occurrences} occurrences.
     */
    void emitRepeat(Finding f, long occurrences) {
        emit(f, occurrences, true);
    }

    private void emit(Finding f, long occurrences, boolean repeat) {
        if (!failures.detectorEnabled("jfr")) {
            return;
        }
        try {
            Commit.event(f, occurrences, repeat);
        } catch (Throwable e) {
            failures.detectorFailed("jfr", e);
        }
    }

    /**
     * Creates and commits the events. Apart so that loading and verifying {@code FindingEvents}, which the recorder
     * does at start-up, loads none of the event classes: a JVM without findings never loads them.
     */
    private static final class Commit {
        private Commit() {
        }

        static void event(Finding f, long occurrences, boolean repeat) {
            FindingEvent event = create(f);
            if (!event.isEnabled()) {
                return;
            }
            event.thread = f.thread();
            event.message = repeat ? null : f.message();
            event.site = f.site().orElse(null);
            event.operation = f.operation().orElse(null);
            event.durationMillis = f.durationMillis().orElse(-1);
            event.loop = f.loop().orElse(null);
            event.controller = f.controller().orElse(null);
            event.stack = repeat ? null : String.join("\n", f.stack());
            event.occurrences = occurrences;
            event.commit();
        }

        private static FindingEvent create(Finding f) {
            switch (f.kind()) {
                case BLOCKING_CALL: return new BlockingCall();
                case LOOP_STALL: return new LoopStall();
                case LOST_TASK: return new LostTask();
                case UNHANDLED_FAILURE: return new UnhandledFailure();
                case IGNORED_FUTURE: return new IgnoredFuture();
                case PINNED_THREAD: return new PinnedThread();
                default: throw new IllegalArgumentException("finding kind has no JFR event: " + f.kind());
            }
        }
    }

    @Category("Loopguard")
    @StackTrace(true)
    abstract static class FindingEvent extends Event {
        @Label("Thread") String thread;
        @Label("Message") String message;
        @Label("Site") @Description("First frame in application code") String site;
        @Label("Operation") String operation;
        @Label("Duration (ms)") @Description("-1 when the kind has no duration") long durationMillis;
        @Label("Event loop") String loop;
        @Label("Controller") String controller;
        @Label("Stack") @Description("The finding's stack, innermost first, one frame per line") String stack;
        @Label("Occurrences")
        @Description("Occurrences of the site this event stands for: 1, or for a repeat at a known stack, those since"
                + " the site's previous event (at most one such event per site every 10 ms)")
        long occurrences;
    }

    @Name("loopguard.BlockingCall") @Label("Blocking call on an event loop")
    static final class BlockingCall extends FindingEvent { }

    @Name("loopguard.LoopStall") @Label("Event-loop stall")
    static final class LoopStall extends FindingEvent { }

    @Name("loopguard.LostTask") @Label("Lost task")
    static final class LostTask extends FindingEvent { }

    @Name("loopguard.UnhandledFailure") @Label("Unhandled failure")
    static final class UnhandledFailure extends FindingEvent { }

    @Name("loopguard.IgnoredFuture") @Label("Ignored future")
    static final class IgnoredFuture extends FindingEvent { }

    @Name("loopguard.PinnedThread") @Label("Pinned virtual thread")
    static final class PinnedThread extends FindingEvent { }
}
