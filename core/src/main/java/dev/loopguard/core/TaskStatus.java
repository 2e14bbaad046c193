package dev.loopguard.core;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A snapshot of one task of a {@link TaskRegistry}, taken at {@link #observedAt()} on the loop's clock.
 *
 * <p>{@link #render(ZoneId, boolean)} turns it into the lines a person reads:
 * <pre>
 * ● blink: status: running since 2026-11-21 11:27:11; 38 s ago
 * ● blink: status: done @ 2026-11-21 11:27:49; 3 s ago --&gt; result: 42
 * </pre>
 */
public final class TaskStatus {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final String name;
    private final TaskState state;
    private final TaskSpec<?> spec;
    private final Instant observedAt;
    private final Instant runningSince;
    private final Instant doneAt;
    private final Duration runtime;
    private final Instant nextRunAt;
    private final boolean hasResult;
    private final Object result;
    private final RecordedFailure lastError;
    private final RecordedFailure runError;
    private final long runs;
    private final long failures;
    private final long skipped;

    TaskStatus(String name, TaskState state, TaskSpec<?> spec, Instant observedAt, Instant runningSince,
            Instant doneAt, Duration runtime, Instant nextRunAt, boolean hasResult, Object result,
            RecordedFailure lastError, RecordedFailure runError, long runs, long failures, long skipped) {
        this.name = name;
        this.state = state;
        this.spec = spec;
        this.observedAt = observedAt;
        this.runningSince = runningSince;
        this.doneAt = doneAt;
        this.runtime = runtime;
        this.nextRunAt = nextRunAt;
        this.hasResult = hasResult;
        this.result = result;
        this.lastError = lastError;
        this.runError = runError;
        this.runs = runs;
        this.failures = failures;
        this.skipped = skipped;
    }

    /** The task's unique name in its registry. */
    public String name() {
        return name;
    }

    /** Where the task is. */
    public TaskState state() {
        return state;
    }

    /** The description given with {@link TaskSpec#description(String)}. */
    public Optional<String> description() {
        return Optional.ofNullable(spec.description);
    }

    /** The arguments given with {@link TaskSpec#args(Object...)}. */
    public List<Object> args() {
        return spec.args;
    }

    /** The repetition period given with {@link TaskSpec#repeatEvery(Duration)}. */
    public Optional<Duration> repeatEvery() {
        return Optional.ofNullable(spec.repeatEvery);
    }

    /** When this snapshot was taken. */
    public Instant observedAt() {
        return observedAt;
    }

    /** When the current run, or the latest one, started. */
    public Optional<Instant> runningSince() {
        return Optional.ofNullable(runningSince);
    }

    /** When the latest run ended, or when the task was stopped. */
    public Optional<Instant> doneAt() {
        return Optional.ofNullable(doneAt);
    }

    /** How long the current run has been going, or how long the latest run took. */
    public Optional<Duration> runtime() {
        return Optional.ofNullable(runtime);
    }

    /** When the next run is due, while the task is {@link TaskState#SCHEDULED SCHEDULED} or repeating. */
    public Optional<Instant> nextRunAt() {
        return Optional.ofNullable(nextRunAt);
    }

    /** Whether a run has returned a result (which may be {@code null}). */
    public boolean hasResult() {
        return hasResult;
    }

    /** The result of the latest successful run; empty if there is none or it was {@code null}. */
    public Optional<Object> result() {
        return Optional.ofNullable(result);
    }

    /** The latest failure of a run (or of a callback), with its stack trace. */
    public Optional<RecordedFailure> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** How many runs started. */
    public long runs() {
        return runs;
    }

    /** How many runs failed. */
    public long failures() {
        return failures;
    }

    /** How many repetitions were skipped because the previous run was still going. */
    public long skipped() {
        return skipped;
    }

    /**
     * The status line, with times in {@code zone}; in detailed mode followed by indented lines with the description,
     * arguments, schedule, counts, runtime, next run, result and last error (with its stack trace), each only when it
     * applies. Lines are separated by {@code \n}; there is no trailing newline. Text that comes from the task (its
     * name, description, arguments, result and error messages) has its line breaks and other control characters
     * escaped, so the first line is always one line and detailed mode adds only its own lines.
     */
    public String render(ZoneId zone, boolean detailed) {
        Objects.requireNonNull(zone, "zone");
        DateTimeFormatter times = TIME.withZone(zone);
        StringBuilder out = new StringBuilder("● ").append(StatusText.escape(name)).append(": status: ");
        switch (state) {
            case ADDED:
                out.append("added, not started");
                break;
            case SCHEDULED:
                out.append("scheduled @ ").append(times.format(nextRunAt)).append("; in ")
                        .append(StatusText.span(Duration.between(observedAt, nextRunAt)));
                break;
            case RUNNING:
                out.append("running since ").append(times.format(runningSince)).append("; ")
                        .append(StatusText.span(Duration.between(runningSince, observedAt))).append(" ago");
                break;
            case DONE:
                ended(out, "done", times).append(" --> result: ").append(StatusText.oneLine(result));
                break;
            case FAILED:
                ended(out, "failed", times).append(" --> ").append(runError.summary());
                break;
            default:
                ended(out, "stopped", times);
                break;
        }
        if (!detailed) {
            return out.toString();
        }
        String indent = "\n    ";
        if (spec.description != null) {
            out.append(indent).append("description: ").append(StatusText.oneLine(spec.description));
        }
        if (!spec.args.isEmpty()) {
            out.append(indent).append("args: ").append(spec.args.stream().map(StatusText::oneLine)
                    .collect(Collectors.joining(", ")));
        }
        out.append(indent).append("schedule: ").append(spec.scheduleText(times));
        out.append(indent).append("runs: ").append(runs).append(", failures: ").append(failures)
                .append(", skipped: ").append(skipped);
        if (runtime != null) {
            out.append(indent).append("runtime: ").append(StatusText.runtime(runtime));
        }
        if (nextRunAt != null && state != TaskState.SCHEDULED) {
            out.append(indent).append("next run: ").append(times.format(nextRunAt)).append("; in ")
                    .append(StatusText.span(Duration.between(observedAt, nextRunAt)));
        }
        if (hasResult && state != TaskState.DONE) {
            out.append(indent).append("last result: ").append(StatusText.oneLine(result));
        }
        if (lastError != null) {
            out.append(indent).append("last error @ ").append(times.format(lastError.at())).append(" in ")
                    .append(StatusText.escape(lastError.phase())).append(": ").append(lastError.summary());
            for (String line : lastError.stackTrace().split("\\R")) {
                out.append(indent).append("    ").append(StatusText.escape(line, true));
            }
        }
        return out.toString();
    }

    private StringBuilder ended(StringBuilder out, String word, DateTimeFormatter times) {
        return out.append(word).append(" @ ").append(times.format(doneAt)).append("; ")
                .append(StatusText.span(Duration.between(doneAt, observedAt))).append(" ago");
    }

    @Override
    public String toString() {
        return render(ZoneId.of("UTC"), false);
    }
}
