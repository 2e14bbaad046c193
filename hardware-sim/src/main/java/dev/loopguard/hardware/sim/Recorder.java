package dev.loopguard.hardware.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.Measurement;
import dev.loopguard.hardware.Reading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The timeline of everything that happened on a board: every reading, actuation, input change, fault and failed
 * read, each with its time on the board's clock.
 *
 * <p>Tests assert on it in the style of gpiozero's mock pins: {@link #assertStates} checks the sequence of levels
 * an output or input went through, {@link #assertStatesAndTimes} also checks when, within a tolerance. The timeline
 * exports as CSV or JSON for plotting.
 *
 * <p>Thread-safe: devices record from the threads they run on.
 */
public final class Recorder {
    /**
     * An expected level at an expected time, for {@link #assertStatesAndTimes}.
     *
     * @param at    time since the recording started
     * @param state the level, {@code true} for high / on
     */
    public record State(Duration at, boolean state) {
        /** Validates the components. */
        public State {
            Objects.requireNonNull(at, "at");
        }

        /** Shorthand for {@code new State(at, state)}. */
        public static State state(Duration at, boolean state) {
            return new State(at, state);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopClock clock;
    private final long startNanos;
    private final List<RecordedEvent> events = new ArrayList<>();

    /** Starts a timeline at the clock's current time. */
    public Recorder(LoopClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startNanos = clock.nanoTime();
    }

    /** Time since the recording started, on the recorder's clock. */
    public Duration elapsed() {
        return Duration.ofNanos(clock.nanoTime() - startNanos);
    }

    /** Appends an event at the clock's current time. */
    public void record(String device, RecordedEvent.Kind kind, String name, double value, String unit, String detail) {
        RecordedEvent event = new RecordedEvent(elapsed(), clock.instant(), device, kind, name, value, unit, detail);
        synchronized (events) {
            events.add(event);
        }
    }

    /** Appends one {@link RecordedEvent.Kind#READING} event per channel of {@code reading}. */
    public void recordReading(Reading reading) {
        Objects.requireNonNull(reading, "reading");
        for (Measurement m : reading.measurements()) {
            record(reading.device(), RecordedEvent.Kind.READING, m.quantity().key(), m.value(), m.unit(), "");
        }
    }

    /** A snapshot of the whole timeline, in the order events were recorded. */
    public List<RecordedEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The events of one device. */
    public List<RecordedEvent> events(String device) {
        Objects.requireNonNull(device, "device");
        return events().stream().filter(e -> e.device().equals(device)).toList();
    }

    /** The events of one device and kind. */
    public List<RecordedEvent> events(String device, RecordedEvent.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        return events(device).stream().filter(e -> e.kind() == kind).toList();
    }

    /**
     * The levels an output, relay or input went through, starting with its level when the board started.
     */
    public List<State> states(String device) {
        return events(device).stream()
                .filter(e -> (e.kind() == RecordedEvent.Kind.ACTUATION || e.kind() == RecordedEvent.Kind.INPUT)
                        && e.name().equals("state"))
                .map(e -> new State(e.at(), e.value() != 0))
                .toList();
    }

    /**
     * Asserts that {@code device} went through exactly these levels, in order.
     *
     * @throws AssertionError listing the expected and the recorded levels with their times
     */
    public void assertStates(String device, boolean... expected) {
        Objects.requireNonNull(expected, "expected");
        List<State> actual = states(device);
        List<Boolean> actualLevels = actual.stream().map(State::state).toList();
        List<Boolean> expectedLevels = new ArrayList<>();
        for (boolean b : expected) {
            expectedLevels.add(b);
        }
        if (!actualLevels.equals(expectedLevels)) {
            throw new AssertionError("states of '" + device + "' differ:\n  expected " + expectedLevels
                    + "\n  recorded " + describe(actual));
        }
    }

    /**
     * Asserts that {@code device} went through exactly these levels, each within {@code tolerance} of its expected
     * time.
     *
     * @throws AssertionError naming the first level that differs or came too early or too late
     * @throws IllegalArgumentException if {@code tolerance} is negative
     */
    public void assertStatesAndTimes(String device, Duration tolerance, State... expected) {
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(expected, "expected");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("assertStatesAndTimes tolerance must be >= 0, was " + tolerance);
        }
        List<State> actual = states(device);
        if (actual.size() != expected.length) {
            throw new AssertionError("'" + device + "' went through " + actual.size() + " states, expected "
                    + expected.length + ":\n  expected " + describe(Arrays.asList(expected))
                    + "\n  recorded " + describe(actual));
        }
        for (int i = 0; i < expected.length; i++) {
            State want = expected[i];
            State got = actual.get(i);
            Duration off = got.at().minus(want.at()).abs();
            if (got.state() != want.state() || off.compareTo(tolerance) > 0) {
                throw new AssertionError("state #" + i + " of '" + device + "': expected " + level(want.state())
                        + " at " + want.at() + " (+/- " + tolerance + "), recorded " + level(got.state()) + " at "
                        + got.at() + "\n  expected " + describe(Arrays.asList(expected))
                        + "\n  recorded " + describe(actual));
            }
        }
    }

    /**
     * Writes the timeline as CSV with the header
     * {@code at_seconds,timestamp,device,kind,name,value,unit,detail}.
     */
    public void writeCsv(Appendable out) {
        Objects.requireNonNull(out, "out");
        try {
            out.append("at_seconds,timestamp,device,kind,name,value,unit,detail\n");
            for (RecordedEvent e : events()) {
                out.append(seconds(e.at())).append(',')
                        .append(e.timestamp().toString()).append(',')
                        .append(csv(e.device())).append(',')
                        .append(e.kind().name().toLowerCase(Locale.ROOT)).append(',')
                        .append(csv(e.name())).append(',')
                        .append(Double.isNaN(e.value()) ? "" : Double.toString(e.value())).append(',')
                        .append(csv(e.unit())).append(',')
                        .append(csv(e.detail())).append('\n');
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write recording as CSV", ex);
        }
    }

    /** The timeline as CSV, see {@link #writeCsv(Appendable)}. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        writeCsv(sb);
        return sb.toString();
    }

    /**
     * Writes the timeline as a JSON array of objects with the fields {@code atSeconds}, {@code timestamp},
     * {@code device}, {@code kind}, {@code name}, {@code value} (null if none), {@code unit}, {@code detail}.
     */
    public void writeJson(Writer out) {
        Objects.requireNonNull(out, "out");
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartArray();
            for (RecordedEvent e : events()) {
                g.writeStartObject();
                g.writeNumberField("atSeconds", e.at().toNanos() / 1e9);
                g.writeStringField("timestamp", e.timestamp().toString());
                g.writeStringField("device", e.device());
                g.writeStringField("kind", e.kind().name().toLowerCase(Locale.ROOT));
                g.writeStringField("name", e.name());
                if (Double.isNaN(e.value())) {
                    g.writeNullField("value");
                } else {
                    g.writeNumberField("value", e.value());
                }
                g.writeStringField("unit", e.unit());
                g.writeStringField("detail", e.detail());
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write recording as JSON", ex);
        }
    }

    private static String describe(List<State> states) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < states.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(level(states.get(i).state())).append('@').append(states.get(i).at());
        }
        return sb.append(']').toString();
    }

    private static String level(boolean state) {
        return state ? "on" : "off";
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    private static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
