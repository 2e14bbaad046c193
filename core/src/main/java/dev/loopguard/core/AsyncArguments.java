package dev.loopguard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks and duration wording shared by {@link Async}, {@link RetryPolicy} and {@link TaskGroup}, so that
 * every rejection names the parameter, the value and the accepted range in the same words.
 */
final class AsyncArguments {

    /** The longest duration that fits in a {@code long} of nanoseconds (about 292 years). */
    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private static final StackWalker WALKER = StackWalker.getInstance();
    /** Async's own frames above the user's are few; a bound keeps the walk cheap on deep stacks. */
    private static final int MAX_FRAMES_SEARCHED = 12;

    private AsyncArguments() {
    }

    static Duration requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(
                    name + " must be a Duration >= 0 (zero or positive), was " + value);
        }
        return Durations.requireWithinClock(value, name);
    }

    static Duration requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive Duration (> 0), was " + value);
        }
        return Durations.requireWithinClock(value, name);
    }

    static int requireAtLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, was " + value);
        }
        return value;
    }

    /** Nanoseconds of {@code value}, saturating at {@link Long#MAX_VALUE} instead of overflowing. */
    static long saturatedNanos(Duration value) {
        return value.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : value.toNanos();
    }

    /** A duration as people write it in logs: {@code 500 ms}, {@code 2 s}, {@code 1500 ms}, {@code 250 ns}. */
    static String describe(Duration value) {
        if (value.compareTo(MAX_NANOS) >= 0) {
            return value.toString();
        }
        long nanos = value.toNanos();
        if (nanos != 0 && nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + " ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + " µs";
        }
        return nanos + " ns";
    }

    /**
     * {@code "thread 'main' at com.example.Sensors.read(Sensors.java:42)"}: who called a public {@link Async} method.
     * Frames of {@link Async}, its nested classes and lambdas, and this class are skipped.
     */
    static String callSite() {
        String thread = Thread.currentThread().getName();
        String frame = WALKER
                .walk(frames -> frames
                        .limit(MAX_FRAMES_SEARCHED)
                        .filter(f -> !isAsyncInternal(f.getClassName()))
                        .findFirst()
                        .map(StackWalker.StackFrame::toStackTraceElement)
                        .map(StackTraceElement::toString)
                        .orElse("an unknown line"));
        return "thread '" + thread + "' at " + frame;
    }

    private static boolean isAsyncInternal(String className) {
        String async = Async.class.getName();
        return className.equals(async) || className.startsWith(async + "$")
                || className.equals(AsyncArguments.class.getName());
    }
}
