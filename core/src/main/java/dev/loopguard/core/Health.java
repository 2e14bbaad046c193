package dev.loopguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A controller's health as a {@link ControllerRunner} reports it: a verdict, the reason for it, and the evidence.
 *
 * <p>The verdict is decided in this order:
 * <ol>
 *   <li>{@link Status#DOWN} when the controller is not {@link ControllerState#RUNNING RUNNING}, when its own
 *       {@code healthCheck} says DOWN, throws or does not answer in time, or when its loop failed
 *       {@code failuresUntilDown} times in a row;</li>
 *   <li>{@link Status#DEGRADED} when its latest iteration failed (fewer times in a row than that), or when its own
 *       {@code healthCheck} says DEGRADED;</li>
 *   <li>{@link Status#UP} otherwise.</li>
 * </ol>
 *
 * <p>{@link #toJson()} renders it for logs and reports:
 * <pre>{@code
 * {"controller":"pump","status":"DEGRADED","reason":"2 consecutive loop failures","state":"RUNNING",
 *  "consecutiveFailures":2,"failures":3,"period":"PT10S","currentPeriod":"PT40S",
 *  "loops":{"count":12,"skipped":1,"lastDuration":"PT0.2S","meanDuration":"PT0.15S","maxDuration":"PT0.4S"},
 *  "lastError":{"at":"2026-01-01T00:02:00Z","phase":"loop","summary":"java.io.IOException: no reply",
 *               "stackTrace":"java.io.IOException: no reply\n\tat ..."},
 *  "checkedAt":"2026-01-01T00:02:05Z"}
 * }</pre>
 */
public final class Health {

    /** The verdict. */
    public enum Status {
        /** Running, and its latest iteration succeeded. */
        UP,
        /** Running, but failing or impaired. */
        DEGRADED,
        /** Not running, or failing persistently. */
        DOWN
    }

    private final String controller;
    private final Status status;
    private final String reason;
    private final ControllerState state;
    private final long consecutiveFailures;
    private final long failures;
    private final Duration period;
    private final Duration currentPeriod;
    private final LoopStatistics loops;
    private final RecordedFailure lastError;
    private final Instant checkedAt;

    Health(String controller, Status status, String reason, ControllerState state, long consecutiveFailures,
            long failures, Duration period, Duration currentPeriod, LoopStatistics loops, RecordedFailure lastError,
            Instant checkedAt) {
        this.controller = Objects.requireNonNull(controller, "controller");
        this.status = Objects.requireNonNull(status, "status");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.state = Objects.requireNonNull(state, "state");
        this.consecutiveFailures = consecutiveFailures;
        this.failures = failures;
        this.period = Objects.requireNonNull(period, "period");
        this.currentPeriod = Objects.requireNonNull(currentPeriod, "currentPeriod");
        this.loops = Objects.requireNonNull(loops, "loops");
        this.lastError = lastError;
        this.checkedAt = Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** The name the controller was registered under. */
    public String controller() {
        return controller;
    }

    /** The verdict. */
    public Status status() {
        return status;
    }

    /** Why the verdict is what it is, e.g. {@code "3 consecutive loop failures (DOWN at 3)"} or {@code "ok"}. */
    public String reason() {
        return reason;
    }

    /** The lifecycle state when the health was taken. */
    public ControllerState state() {
        return state;
    }

    /** Loop iterations that failed in a row, up to the latest one; 0 after a success. */
    public long consecutiveFailures() {
        return consecutiveFailures;
    }

    /** Loop iterations that failed since registration. */
    public long failures() {
        return failures;
    }

    /** The sample period the controller was registered with. */
    public Duration period() {
        return period;
    }

    /** The period in force now: longer than {@link #period()} while a back-off is stretching it. */
    public Duration currentPeriod() {
        return currentPeriod;
    }

    /** Iteration count, skipped periods and durations. */
    public LoopStatistics loops() {
        return loops;
    }

    /**
     * The most recent failure of any step ({@code initialize}, {@code start}, {@code loop}, {@code stop},
     * {@code healthCheck}), with its stack trace; it stays after later successes, as evidence.
     */
    public Optional<RecordedFailure> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** When this health was taken, on the loop's clock. */
    public Instant checkedAt() {
        return checkedAt;
    }

    /** A single-line JSON object with every field above; see the class documentation for its shape. */
    public String toJson() {
        StringBuilder json = new StringBuilder(256);
        json.append('{');
        field(json, "controller", controller).append(',');
        field(json, "status", status.name()).append(',');
        field(json, "reason", reason).append(',');
        field(json, "state", state.name()).append(',');
        json.append("\"consecutiveFailures\":").append(consecutiveFailures).append(',');
        json.append("\"failures\":").append(failures).append(',');
        field(json, "period", period.toString()).append(',');
        field(json, "currentPeriod", currentPeriod.toString()).append(',');
        json.append("\"loops\":{\"count\":").append(loops.count())
                .append(",\"skipped\":").append(loops.skipped()).append(',');
        field(json, "lastDuration", loops.last().toString()).append(',');
        field(json, "meanDuration", loops.mean().toString()).append(',');
        field(json, "maxDuration", loops.max().toString()).append("},");
        if (lastError == null) {
            json.append("\"lastError\":null,");
        } else {
            json.append("\"lastError\":{");
            field(json, "at", lastError.at().toString()).append(',');
            field(json, "phase", lastError.phase()).append(',');
            field(json, "summary", lastError.summary()).append(',');
            field(json, "stackTrace", lastError.stackTrace()).append("},");
        }
        field(json, "checkedAt", checkedAt.toString());
        return json.append('}').toString();
    }

    @Override
    public String toString() {
        return "Health[" + controller + " " + status + ": " + reason + ", state " + state + ", loops " + loops.count()
                + ", failures " + failures + " (" + consecutiveFailures + " in a row)]";
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': json.append("\\\""); break;
                case '\\': json.append("\\\\"); break;
                case '\n': json.append("\\n"); break;
                case '\r': json.append("\\r"); break;
                case '\t': json.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        return json.append('"');
    }
}
