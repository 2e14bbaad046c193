package dev.loopguard.hardware.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a simulated quantity does over time, before noise is added. Time is measured from the start of the board.
 *
 * <p>Implementations: {@link Constant}, {@link Sine} (a daily cycle), {@link RandomWalk}, {@link Step},
 * {@link Ramp}, {@link Replay} (from CSV), {@link PlantVariable} (follows the greenhouse plant) and
 * {@link Sequence} (switches between signals at scheduled times).
 */
public sealed interface SignalSpec {

    /** A value that never changes. */
    record Constant(double value) implements SignalSpec {
        /** Validates the value. */
        public Constant {
            Checks.finite("constant signal value", value);
        }
    }

    /**
     * {@code mean + amplitude * sin(2 pi (t + phase) / period)}. A period of 24 h with the phase chosen so the peak
     * falls in the afternoon models a daily temperature cycle.
     */
    record Sine(double mean, double amplitude, Duration period, Duration phase) implements SignalSpec {
        /** Validates the components. */
        public Sine {
            Checks.finite("sine mean", mean);
            Checks.finite("sine amplitude", amplitude);
            Checks.positive("sine period", period);
            Checks.notNegative("sine phase", phase);
        }
    }

    /**
     * A Gaussian random walk starting at {@code start}: over any interval {@code dt} the value moves by a normal
     * variate with standard deviation {@code stepPerMinute * sqrt(dt / 1 min)}, and is kept within
     * {@code min..max} by reflection.
     */
    record RandomWalk(double start, double stepPerMinute, double min, double max) implements SignalSpec {
        /** Validates the components. */
        public RandomWalk {
            Checks.finite("random-walk start", start);
            Checks.notNegative("random-walk stepPerMinute", stepPerMinute);
            Checks.finite("random-walk min", min);
            Checks.finite("random-walk max", max);
            if (!(min < max) || start < min || start > max) {
                throw new IllegalArgumentException("random-walk needs min < max and start within them, was min="
                        + min + ", start=" + start + ", max=" + max);
            }
        }
    }

    /** {@code before} until {@code at}, then {@code after}. */
    record Step(double before, double after, Duration at) implements SignalSpec {
        /** Validates the components. */
        public Step {
            Checks.finite("step before", before);
            Checks.finite("step after", after);
            Checks.notNegative("step at", at);
        }
    }

    /** {@code from} until {@code start}, then linearly to {@code to} over {@code duration}, then {@code to}. */
    record Ramp(double from, double to, Duration start, Duration duration) implements SignalSpec {
        /** Validates the components. */
        public Ramp {
            Checks.finite("ramp from", from);
            Checks.finite("ramp to", to);
            Checks.notNegative("ramp start", start);
            Checks.positive("ramp duration", duration);
        }
    }

    /**
     * Replays recorded values, interpolating linearly between points. Before the first point the first value
     * holds; after the last one the last value holds, or the series starts again if {@code loop} is set.
     *
     * @param file   where the points came from, as written in the scenario (relative to the scenario file)
     * @param points the points, strictly increasing in time
     * @param loop   whether to repeat the series
     */
    record Replay(String file, List<Point> points, boolean loop) implements SignalSpec {
        /** One recorded value. */
        public record Point(Duration at, double value) {
            /** Validates the components. */
            public Point {
                Checks.notNegative("replay point time", at);
                Checks.finite("replay point value", value);
            }
        }

        /** Validates and copies the components. */
        public Replay {
            Objects.requireNonNull(file, "file");
            points = List.copyOf(Objects.requireNonNull(points, "points"));
            if (points.isEmpty()) {
                throw new IllegalArgumentException("replay '" + file + "' needs at least one point, had none");
            }
            for (int i = 1; i < points.size(); i++) {
                if (points.get(i).at().compareTo(points.get(i - 1).at()) <= 0) {
                    throw new IllegalArgumentException("replay '" + file + "' times must increase strictly, but point "
                            + i + " at " + points.get(i).at() + " follows " + points.get(i - 1).at());
                }
            }
            if (loop && points.get(points.size() - 1).at().isZero()) {
                throw new IllegalArgumentException("replay '" + file + "' with loop needs a last point after 0s");
            }
        }

        /**
         * Loads points from a CSV file with two columns, time and value. The time is seconds ({@code 90},
         * {@code 1.5}) or a duration ({@code 90s}, {@code 10m}, {@code PT1H}); a first line whose time column is
         * not a time is taken as a header. {@code name} is what a scenario file will refer to it by.
         *
         * @throws IllegalArgumentException naming the file and line of the first bad row
         * @throws UncheckedIOException if the file cannot be read
         */
        public static Replay fromCsv(Path csv, String name, boolean loop) {
            Objects.requireNonNull(csv, "csv");
            Objects.requireNonNull(name, "name");
            List<String> lines;
            try {
                lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read replay file " + csv, e);
            }
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("[,;\\t]");
                if (cols.length < 2) {
                    throw new IllegalArgumentException(csv + ":" + (i + 1) + ": expected 'time,value', was '" + line
                            + "'");
                }
                Duration at;
                try {
                    at = dev.loopguard.core.Durations.parse(cols[0].strip());
                } catch (IllegalArgumentException e) {
                    if (points.isEmpty() && i == firstContentLine(lines)) {
                        continue; // header row
                    }
                    throw new IllegalArgumentException(csv + ":" + (i + 1) + ": time " + e.getMessage(), e);
                }
                try {
                    points.add(new Point(at, Double.parseDouble(cols[1].strip())));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(csv + ":" + (i + 1) + ": value must be a number, was '"
                            + cols[1].strip() + "'", e);
                }
            }
            try {
                return new Replay(name, points, loop);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(csv + ": " + e.getMessage(), e);
            }
        }

        private static int firstContentLine(List<String> lines) {
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * Follows a variable of the greenhouse plant: {@code temperature}, {@code humidity}, {@code soilMoisture} or
     * {@code ambientTemperature}. {@code null} picks the variable matching the channel's quantity.
     */
    record PlantVariable(String variable) implements SignalSpec {
        /** The variables a plant exposes. */
        public static final List<String> VARIABLES =
                List.of("temperature", "humidity", "soilMoisture", "ambientTemperature");

        /** Validates the variable name. */
        public PlantVariable {
            if (variable != null && !VARIABLES.contains(variable)) {
                throw new IllegalArgumentException("plant variable must be one of " + VARIABLES + ", was '"
                        + variable + "'");
            }
        }
    }

    /**
     * Switches signals on a timeline: each segment's signal applies from its {@code at} until the next segment's.
     * Signals inside keep the board's time axis (a step at 2h inside a segment starting at 1h steps at 2h).
     */
    record Sequence(List<Segment> segments) implements SignalSpec {
        /** A signal and when it takes over. */
        public record Segment(Duration at, SignalSpec signal) {
            /** Validates the components. */
            public Segment {
                Checks.notNegative("sequence segment at", at);
                Objects.requireNonNull(signal, "signal");
            }
        }

        /** Validates and copies the segments. */
        public Sequence {
            segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
            if (segments.isEmpty() || !segments.get(0).at().isZero()) {
                throw new IllegalArgumentException("sequence needs a first segment at 0s, was "
                        + (segments.isEmpty() ? "empty" : "at " + segments.get(0).at()));
            }
            for (int i = 1; i < segments.size(); i++) {
                if (segments.get(i).at().compareTo(segments.get(i - 1).at()) <= 0) {
                    throw new IllegalArgumentException("sequence segment times must increase strictly, but segment "
                            + i + " at " + segments.get(i).at() + " follows " + segments.get(i - 1).at());
                }
            }
        }
    }
}
