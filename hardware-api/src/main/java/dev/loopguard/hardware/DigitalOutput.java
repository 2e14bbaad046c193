package dev.loopguard.hardware;

/** A GPIO output pin. */
public interface DigitalOutput extends Device {
    /** The GPIO pin, BCM numbering. */
    int pin();

    /** Drives the pin high ({@code true}) or low. */
    void set(boolean high);

    /** The level the pin is driven to. */
    boolean isHigh();

    /** Drives the pin to the opposite level. */
    default void toggle() {
        set(!isHigh());
    }
}
