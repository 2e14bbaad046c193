package dev.loopguard.reports;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The findings of every input that share a {@linkplain Fingerprints fingerprint}, merged into one: counts summed,
 * first and last seen widened, the longest duration kept, and the threads, tests, inputs and source lines that saw it
 * listed (each list keeps its first {@value #MAX_LISTED} distinct entries, in the order the inputs were given). The
 * message, advice and stacks are those of the first input that had it.
 *
 * @param fingerprint the stable identity used by baselines and by SARIF's {@code partialFingerprints}
 * @param kind the finding kind, such as {@code BLOCKING_CALL}
 * @param site the first application frame, as in the first report that had it; null when no report had one
 * @param otherSites other lines of the same method where it was also seen (the fingerprint ignores lines)
 * @param operation the public API that was called, when the kind has one
 * @param message the sentence a person reads
 * @param advice what to do instead, or null
 * @param stack stack frames, innermost first
 * @param count occurrences over all inputs (saturating at {@link Long#MAX_VALUE})
 * @param firstSeen the earliest occurrence in any input
 * @param lastSeen the latest occurrence in any input
 * @param threads the threads it happened on
 * @param tests the tests that were running when it happened, when a harness recorded them
 * @param inputs the names of the input reports that had it
 * @param durationMillis the longest duration (loop stalls, pinned threads), or null
 * @param createdAt where the task or future was created, or null
 * @param discardedAt where the future was dropped, or null
 * @param reason why the task was lost, or null
 * @param exception the failure nobody observed, or null
 * @param returnType the type of the dropped value, or null
 * @param controller the controller it happened inside, or null
 * @param loop the event loop it happened on, or null
 */
public record MergedFinding(String fingerprint, String kind, String site, List<String> otherSites, String operation,
                            String message, String advice, List<String> stack, long count, Instant firstSeen,
                            Instant lastSeen, List<String> threads, List<String> tests, List<String> inputs,
                            Long durationMillis, String createdAt, String discardedAt, String reason,
                            ReportedException exception, String returnType, String controller, String loop) {

    /** How many distinct threads, tests, inputs and other lines each finding lists at most. */
    public static final int MAX_LISTED = 100;

    public MergedFinding {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        otherSites = List.copyOf(otherSites);
        stack = List.copyOf(stack);
        threads = List.copyOf(threads);
        tests = List.copyOf(tests);
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    /**
     * Where a reader should look: the site, else where the task or future was created, else the innermost frame.
     * Null only for a finding with no frame at all.
     */
    public String location() {
        if (site != null) {
            return site;
        }
        if (createdAt != null) {
            return createdAt;
        }
        if (exception != null && !exception.stack().isEmpty()) {
            return exception.stack().get(0);
        }
        return stack.isEmpty() ? null : stack.get(0);
    }
}
