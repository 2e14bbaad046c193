package dev.loopguard.hardware;

/**
 * A relay switched by a GPIO pin. Many relay boards are active-low (the relay closes when the pin is low); the
 * relay hides that, so {@link #on()} always means "the load is powered".
 */
public interface Relay extends Device {
    /** The GPIO pin, BCM numbering. */
    int pin();

    /** Whether the relay closes when its pin is driven low. */
    boolean activeLow();

    /** Powers the load. */
    void on();

    /** Cuts power to the load. */
    void off();

    /** Whether the load is powered. */
    boolean isOn();
}
