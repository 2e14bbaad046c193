package dev.loopguard.agent;

import dev.loopguard.agent.internal.StackFrames;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One problem the agent found, merged over its occurrences: findings of the same {@link #kind()} at the same
 * {@link #site()} are one finding whose {@link #count()} grows, whose {@link #lastSeen()} moves, and whose
 * {@link #durationMillis()} is the longest seen.
 *
 * <p>Immutable. The field names are the JSON report's field names (see {@code docs/schema/loopguard-report.schema.json});
 * absent optional fields are omitted from the report. Build one with {@link #builder(FindingKind)}; {@link #toBuilder()}
 * copies an existing finding.
 */
public final class Finding {
    private final FindingKind kind;
    private final String thread;
    private final String message;
    private final List<String> stack;
    private final String site;
    private final long count;
    private final Instant firstSeen;
    private final Instant lastSeen;
    private final String advice;
    private final String operation;
    private final Long durationMillis;
    private final String createdAt;
    private final String reason;
    private final ExceptionDetails exception;
    private final String discardedAt;
    private final String returnType;
    private final String controller;
    private final String loop;
    private final String test;

    private Finding(Builder b) {
        this.kind = b.kind;
        this.thread = Objects.requireNonNull(b.thread, "thread");
        this.message = Objects.requireNonNull(b.message, "message");
        this.stack = b.stack;
        this.site = b.site;
        this.count = b.count;
        this.firstSeen = b.firstSeen;
        this.lastSeen = b.lastSeen == null ? b.firstSeen : b.lastSeen;
        this.advice = b.advice;
        this.operation = b.operation;
        this.durationMillis = b.durationMillis;
        this.createdAt = b.createdAt;
        this.reason = b.reason;
        this.exception = b.exception;
        this.discardedAt = b.discardedAt;
        this.returnType = b.returnType;
        this.controller = b.controller;
        this.loop = b.loop;
        this.test = b.test;
    }

    /** A builder for a finding of this kind, first seen now, count 1. */
    public static Builder builder(FindingKind kind) {
        return new Builder(Objects.requireNonNull(kind, "kind"));
    }

    /** A builder holding every field of this finding. */
    public Builder toBuilder() {
        Builder b = new Builder(kind);
        b.thread = thread;
        b.message = message;
        b.stack = stack;
        b.site = site;
        b.count = count;
        b.firstSeen = firstSeen;
        b.lastSeen = lastSeen;
        b.advice = advice;
        b.operation = operation;
        b.durationMillis = durationMillis;
        b.createdAt = createdAt;
        b.reason = reason;
        b.exception = exception;
        b.discardedAt = discardedAt;
        b.returnType = returnType;
        b.controller = controller;
        b.loop = loop;
        b.test = test;
        return b;
    }

    public FindingKind kind() { return kind; }

    /** Name of the thread the finding happened on. */
    public String thread() { return thread; }

    /** What happened, on which thread, at which line of the user's code, and what to do instead. */
    public String message() { return message; }

    /** {@link StackTraceElement#toString()} strings, innermost first, starting at the interesting frame. */
    public List<String> stack() { return stack; }

    /** The first frame in application code ({@code com.acme.Pump.run(Pump.java:41)}); the merge key with the kind. */
    public Optional<String> site() { return Optional.ofNullable(site); }

    /** Occurrences merged into this finding; at least 1. */
    public long count() { return count; }

    public Instant firstSeen() { return firstSeen; }

    public Instant lastSeen() { return lastSeen; }

    /** What to do instead, one sentence. */
    public Optional<String> advice() { return Optional.ofNullable(advice); }

    /** The public API that was called ({@code java.lang.Thread.sleep}); blocking calls, ignored futures, pins. */
    public Optional<String> operation() { return Optional.ofNullable(operation); }

    /** The longest duration of the merged occurrences; stalls and pins. */
    public OptionalLong durationMillis() {
        return durationMillis == null ? OptionalLong.empty() : OptionalLong.of(durationMillis);
    }

    /** Site where a task or future was created or submitted. */
    public Optional<String> createdAt() { return Optional.ofNullable(createdAt); }

    /** Why a task was lost. */
    public Optional<String> reason() { return Optional.ofNullable(reason); }

    /** The unobserved failure. */
    public Optional<ExceptionDetails> exception() { return Optional.ofNullable(exception); }

    /** Site where a future was discarded. */
    public Optional<String> discardedAt() { return Optional.ofNullable(discardedAt); }

    /** Declared return type of the call whose result was discarded. */
    public Optional<String> returnType() { return Optional.ofNullable(returnType); }

    /** Name of the controller the finding happened inside. */
    public Optional<String> controller() { return Optional.ofNullable(controller); }

    /** Name of the event loop, when known. */
    public Optional<String> loop() { return Optional.ofNullable(loop); }

    /**
     * The scope ({@link LoopguardAgent#openScope}) the finding is charged to: the test whose work caused it, whenever
     * and on whichever thread it was found. Findings of different tests are never merged.
     */
    public Optional<String> test() { return Optional.ofNullable(test); }

    @Override
    public String toString() {
        return kind + " x" + count + " " + message;
    }

    /** An exception as the report shows it. */
    public static final class ExceptionDetails {
        private final String type;
        private final String message;
        private final List<String> stack;

        /** {@code message} may be null; {@code stack} is innermost first. */
        public ExceptionDetails(String type, String message, List<String> stack) {
            this.type = Objects.requireNonNull(type, "type");
            this.message = message;
            this.stack = List.copyOf(Objects.requireNonNull(stack, "stack"));
        }

        /**
         * The details of a throwable, each frame in the form of a finding's {@code stack}
         * ({@code com.acme.Pump.run(Pump.java:41)}, without class-loader or module prefixes such as
         * {@code java.base/}), so that one report shows one form.
         */
        public static ExceptionDetails of(Throwable t) {
            Objects.requireNonNull(t, "throwable");
            StackTraceElement[] frames = t.getStackTrace();
            String[] rendered = new String[frames.length];
            for (int i = 0; i < frames.length; i++) {
                rendered[i] = StackFrames.format(frames[i]);
            }
            return new ExceptionDetails(t.getClass().getName(), t.getMessage(), List.of(rendered));
        }

        public String type() { return type; }

        public Optional<String> message() { return Optional.ofNullable(message); }

        public List<String> stack() { return stack; }
    }

    /** Builds a {@link Finding}; {@code thread} and {@code message} are required, everything else optional. */
    public static final class Builder {
        private final FindingKind kind;
        private String thread;
        private String message;
        private List<String> stack = List.of();
        private String site;
        private long count = 1;
        private Instant firstSeen = Instant.now();
        private Instant lastSeen;
        private String advice;
        private String operation;
        private Long durationMillis;
        private String createdAt;
        private String reason;
        private ExceptionDetails exception;
        private String discardedAt;
        private String returnType;
        private String controller;
        private String loop;
        private String test;

        private Builder(FindingKind kind) {
            this.kind = kind;
        }

        public Builder thread(String thread) { this.thread = Objects.requireNonNull(thread, "thread"); return this; }

        public Builder message(String message) { this.message = Objects.requireNonNull(message, "message"); return this; }

        public Builder stack(List<String> stack) { this.stack = List.copyOf(Objects.requireNonNull(stack, "stack")); return this; }

        /** May be null when no frame belongs to the application. */
        public Builder site(String site) { this.site = site; return this; }

        public Builder count(long count) {
            if (count < 1) {
                throw new IllegalArgumentException("finding count must be >= 1, was " + count);
            }
            this.count = count;
            return this;
        }

        public Builder firstSeen(Instant firstSeen) { this.firstSeen = Objects.requireNonNull(firstSeen, "firstSeen"); return this; }

        public Builder lastSeen(Instant lastSeen) { this.lastSeen = Objects.requireNonNull(lastSeen, "lastSeen"); return this; }

        public Builder advice(String advice) { this.advice = advice; return this; }

        public Builder operation(String operation) { this.operation = operation; return this; }

        public Builder durationMillis(long durationMillis) {
            if (durationMillis < 0) {
                throw new IllegalArgumentException("finding durationMillis must be >= 0, was " + durationMillis);
            }
            this.durationMillis = durationMillis;
            return this;
        }

        public Builder createdAt(String createdAt) { this.createdAt = createdAt; return this; }

        public Builder reason(String reason) { this.reason = reason; return this; }

        public Builder exception(ExceptionDetails exception) { this.exception = exception; return this; }

        public Builder discardedAt(String discardedAt) { this.discardedAt = discardedAt; return this; }

        public Builder returnType(String returnType) { this.returnType = returnType; return this; }

        public Builder controller(String controller) { this.controller = controller; return this; }

        public Builder loop(String loop) { this.loop = loop; return this; }

        public Builder test(String test) { this.test = test; return this; }

        public Finding build() {
            if (thread == null) {
                throw new IllegalStateException("finding thread is required, was not set");
            }
            if (message == null) {
                throw new IllegalStateException("finding message is required, was not set");
            }
            return new Finding(this);
        }
    }
}
