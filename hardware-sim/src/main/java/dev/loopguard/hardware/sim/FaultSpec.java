package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A fault on a device's timeline.
 *
 * <p>A fault is <em>scripted</em> when it has {@code at} (active from {@code at} for {@code duration}, or for the
 * rest of the run without one) and <em>probabilistic</em> when it has {@code probability} (each operation draws
 * whether it is hit). Both together make a probabilistic fault that can only strike inside the window.
 *
 * @param type        what goes wrong
 * @param at          when the window opens, or {@code null} for "from the start"
 * @param duration    how long the window stays open, or {@code null} for "until the end"
 * @param probability chance per operation, or {@code null} for "every operation in the window"
 * @param channels    the quantities affected by value faults; empty for all
 * @param value       the sentinel value ({@code sentinel}); {@code null} for the model's own (85 C on a DS18B20)
 * @param magnitude   the size of a {@code spike}, added or subtracted at random
 * @param ratePerHour how fast a {@code degradation} offset grows, in the channel's unit per hour
 * @param bounces     how many extra transitions a {@code bounce} adds to each edge
 * @param within      how long after the edge a {@code bounce} settles
 */
public record FaultSpec(Type type, Duration at, Duration duration, Double probability, List<Quantity> channels,
                        Double value, Double magnitude, Double ratePerHour, Integer bounces, Duration within) {

    /** What goes wrong. */
    public enum Type {
        /** The read never completes. */
        TIMEOUT,
        /** The read fails with an I/O error. */
        IO_ERROR,
        /** The read fails with a checksum mismatch. */
        CRC_ERROR,
        /** Values freeze at the last value read before the fault. */
        STUCK,
        /** Values are NaN. */
        NAN,
        /** Values are a sentinel such as the DS18B20's 85 C power-on value. */
        SENTINEL,
        /** A value jumps by {@code magnitude} for one read. */
        SPIKE,
        /** The device does not respond; it reconnects when the window closes. */
        DISCONNECT,
        /** Some channels are missing from the reading. */
        PARTIAL,
        /** A digital input bounces on every edge. */
        BOUNCE,
        /** Values drift away from the truth at {@code ratePerHour}, from {@code at} on. */
        DEGRADATION;

        /** The key used in scenario files, e.g. {@code io-error}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Type fromKey(String key) {
            for (Type t : values()) {
                if (t.key().equals(key)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("must be one of " + keys() + ", was '" + key + "'");
        }

        static String keys() {
            return Arrays.stream(values()).map(Type::key).collect(Collectors.joining(", "));
        }
    }

    /** Validates the combination of components for the fault type. */
    public FaultSpec {
        Objects.requireNonNull(type, "type");
        channels = List.copyOf(channels == null ? List.of() : channels);
        String what = "fault '" + type.key() + "'";
        if (at != null) {
            Checks.notNegative(what + " at", at);
        }
        if (duration != null) {
            Checks.positive(what + " duration", duration);
        }
        if (probability != null) {
            Checks.probability(what + " probability", probability);
        }
        if (at == null && probability == null) {
            throw new IllegalArgumentException(what + " needs 'at' (a scripted fault) or 'probability' (a random "
                    + "fault), had neither");
        }
        if (value != null) {
            Checks.finite(what + " value", value);
        }
        if (magnitude != null) {
            Checks.notNegative(what + " magnitude", magnitude);
        }
        if (ratePerHour != null) {
            Checks.finite(what + " ratePerHour", ratePerHour);
        }
        if (bounces != null && bounces < 1) {
            throw new IllegalArgumentException(what + " bounces must be >= 1, was " + bounces);
        }
        if (within != null) {
            Checks.positive(what + " within", within);
        }
        switch (type) {
            case SPIKE -> require(what, "magnitude", magnitude);
            case DEGRADATION -> {
                require(what, "ratePerHour", ratePerHour);
                require(what, "at", at);
            }
            case PARTIAL -> {
                if (channels.isEmpty()) {
                    throw new IllegalArgumentException(what + " needs 'channels' listing the missing quantities");
                }
            }
            default -> {
            }
        }
        rejectUnless(what, type == Type.SENTINEL, "value", value);
        rejectUnless(what, type == Type.SPIKE, "magnitude", magnitude);
        rejectUnless(what, type == Type.DEGRADATION, "ratePerHour", ratePerHour);
        rejectUnless(what, type == Type.BOUNCE, "bounces", bounces);
        rejectUnless(what, type == Type.BOUNCE, "within", within);
    }

    /** A fault active from {@code at} for {@code duration} ({@code null}: until the end). */
    public static FaultSpec scripted(Type type, Duration at, Duration duration) {
        return new FaultSpec(type, at, duration, null, List.of(), null, null, null, null, null);
    }

    /** A fault that hits each operation with {@code probability}. */
    public static FaultSpec random(Type type, double probability) {
        return new FaultSpec(type, null, null, probability, List.of(), null, null, null, null, null);
    }

    /** Whether the window is open at {@code t} (time since the board started). */
    boolean windowContains(Duration t) {
        Duration start = at == null ? Duration.ZERO : at;
        return t.compareTo(start) >= 0 && (duration == null || t.compareTo(start.plus(duration)) < 0);
    }

    private static void require(String what, String field, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(what + " needs '" + field + "'");
        }
    }

    private static void rejectUnless(String what, boolean allowed, String field, Object v) {
        if (!allowed && v != null) {
            throw new IllegalArgumentException(what + " does not take '" + field + "'");
        }
    }
}
