package dev.loopguard.reports;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One finding of a {@link FindingsReport}: what happened, where and how often. Fields that do not apply to the
 * finding's kind are {@code null}; see {@code docs/schema/loopguard-report.schema.json} for which kind has which.
 *
 * @param kind {@code BLOCKING_CALL}, {@code LOOP_STALL}, {@code LOST_TASK}, {@code UNHANDLED_FAILURE},
 *     {@code IGNORED_FUTURE} or {@code PINNED_THREAD}
 * @param thread the thread it happened on
 * @param message the full sentence a person reads
 * @param stack stack frames, innermost first
 * @param site the first frame in application code, or null when there is none
 * @param count occurrences merged into this finding (same kind and site); a {@code long}, as the agent counts
 * @param firstSeen the first occurrence
 * @param lastSeen the last occurrence
 * @param advice what to do instead
 * @param operation the public API that was called (blocking calls, pinned threads, ignored futures)
 * @param durationMillis the longest duration (loop stalls, pinned threads)
 * @param controller the controller it happened inside, if any
 * @param loop the event loop it happened on, if known
 * @param createdAt where the lost task or failed future was created (lost tasks, unhandled failures)
 * @param discardedAt where the future was dropped (unhandled failures, when known)
 * @param reason why the task was lost (lost tasks)
 * @param exception the failure nobody observed (unhandled failures)
 * @param returnType the type of the dropped value (ignored futures)
 * @param test the test that was running when it happened, when a test harness recorded one
 */
public record ReportFinding(String kind, String thread, String message, List<String> stack, String site, long count,
                            Instant firstSeen, Instant lastSeen, String advice, String operation,
                            Long durationMillis, String controller, String loop, String createdAt,
                            String discardedAt, String reason, ReportedException exception, String returnType,
                            String test) {

    public ReportFinding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(message, "message");
        stack = List.copyOf(Objects.requireNonNull(stack, "stack"));
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
