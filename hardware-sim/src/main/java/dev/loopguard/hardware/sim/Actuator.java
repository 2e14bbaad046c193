package dev.loopguard.hardware.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An input of the {@link GreenhousePlant} that an output device can drive. */
public enum Actuator {
    /** Heats the air toward {@code ambient + heaterRise}. */
    HEATER,
    /** Exchanges air with outside: shortens the thermal and humidity time constants. */
    FAN,
    /** Raises relative humidity toward {@code ambient + foggerRise}. */
    FOGGER,
    /** Waters the soil at {@code pumpRate} percent per minute. */
    PUMP;

    /** The key used in scenario files, e.g. {@code heater}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Actuator fromKey(String key) {
        for (Actuator a : values()) {
            if (a.key().equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("must be one of " + keys() + ", was '" + key + "'");
    }

    static String keys() {
        return Arrays.stream(values()).map(Actuator::key).collect(Collectors.joining(", "));
    }
}
