package dev.loopguard.examples.greenhouse;

import dev.loopguard.hardware.Measurement;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest value of every input, as Mycodo keeps its measurements: input controllers write here, the heater, fan,
 * watering and alert controllers read from here. Written on the loop thread; a test may read it between clock steps.
 */
public final class Measurements {

    /** One value of one input, and when its reading was taken (on the loop's clock). */
    public record Latest(String input, Quantity quantity, double value, Instant at) {
    }

    private final Map<String, Map<Quantity, Latest>> latest = new ConcurrentHashMap<>();

    /** Keeps every finite value of {@code reading} as the latest of {@code input}; NaN values are not measurements. */
    void store(String input, Reading reading) {
        Map<Quantity, Latest> values = latest.computeIfAbsent(input, k -> new ConcurrentHashMap<>());
        for (Measurement m : reading.measurements()) {
            if (Double.isFinite(m.value())) {
                values.put(m.quantity(), new Latest(input, m.quantity(), m.value(), reading.timestamp()));
            }
        }
    }

    /** The latest value of {@code quantity} from {@code input}, if it ever gave one. */
    public Optional<Latest> latest(String input, Quantity quantity) {
        Objects.requireNonNull(quantity, "quantity");
        Map<Quantity, Latest> values = latest.get(Objects.requireNonNull(input, "input"));
        return values == null ? Optional.empty() : Optional.ofNullable(values.get(quantity));
    }

    /** When {@code input} last gave any value, if ever. */
    public Optional<Instant> lastReadingAt(String input) {
        Map<Quantity, Latest> values = latest.get(Objects.requireNonNull(input, "input"));
        Instant last = null;
        if (values != null) {
            for (Latest value : values.values()) {
                if (last == null || value.at().isAfter(last)) {
                    last = value.at();
                }
            }
        }
        return Optional.ofNullable(last);
    }
}
