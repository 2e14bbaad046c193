package dev.loopguard.hardware;

/**
 * A pulse-width-modulated output. The duty cycle and frequency read back exactly as they were set.
 */
public interface PwmOutput extends Device {
    /** The GPIO pin, BCM numbering. */
    int pin();

    /**
     * Sets the fraction of each period the output is high.
     *
     * @throws IllegalArgumentException naming the device and the value if {@code dutyCycle} is outside 0.0..1.0 or
     *                                  not a number
     */
    void dutyCycle(double dutyCycle);

    /** The duty cycle last set, 0.0..1.0. */
    double dutyCycle();

    /**
     * Sets the PWM frequency.
     *
     * @throws IllegalArgumentException naming the device and the value if {@code hertz} is not a positive, finite
     *                                  number
     */
    void frequency(double hertz);

    /** The frequency last set, in hertz. */
    double frequency();
}
