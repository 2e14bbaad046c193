package dev.loopguard.hardware;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A physical quantity a sensor channel measures, with the unit its values are expressed in.
 *
 * <p>Keys and units follow Mycodo's measurement naming ({@code temperature} in {@code C}, {@code humidity} in
 * {@code percent}, {@code pressure} in {@code Pa}, ...), so recordings can be compared with Mycodo logs.
 */
public enum Quantity {
    /** Air or liquid temperature in degrees Celsius. */
    TEMPERATURE("temperature", "C"),
    /** Relative humidity in percent. */
    HUMIDITY("humidity", "percent"),
    /** Barometric pressure in pascal. */
    PRESSURE("pressure", "Pa"),
    /** Carbon dioxide concentration in parts per million. */
    CO2("co2", "ppm"),
    /** Illuminance in lux. */
    LIGHT("light", "lux"),
    /** Volumetric soil moisture in percent (0 = dry, 100 = saturated). */
    MOISTURE("moisture", "percent"),
    /** Electric potential in volts, as seen by an analog-to-digital converter. */
    VOLTAGE("voltage", "V");

    private final String key;
    private final String unit;

    Quantity(String key, String unit) {
        this.key = key;
        this.unit = unit;
    }

    /** The lower-case key used in scenario files and recordings, e.g. {@code "temperature"}. */
    public String key() {
        return key;
    }

    /** The unit values of this quantity are expressed in, e.g. {@code "C"}. */
    public String unit() {
        return unit;
    }

    /**
     * Returns the quantity with the given key (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted keys if none matches
     */
    public static Quantity fromKey(String key) {
        java.util.Objects.requireNonNull(key, "key");
        for (Quantity q : values()) {
            if (q.key.equals(key.toLowerCase(Locale.ROOT))) {
                return q;
            }
        }
        throw new IllegalArgumentException("quantity must be one of " + keys() + ", was '" + key + "'");
    }

    /** The accepted keys, comma-separated, for error messages. */
    static String keys() {
        return Arrays.stream(values()).map(Quantity::key).collect(Collectors.joining(", "));
    }
}
