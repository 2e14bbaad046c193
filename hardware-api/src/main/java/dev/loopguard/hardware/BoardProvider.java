package dev.loopguard.hardware;

/**
 * Opens a board's devices by id. This is the adapter point between controller code and hardware: controllers are
 * written against this interface and the device interfaces of this package, and run unchanged against
 * {@code dev.loopguard.hardware.sim.SimulatedBoard} in tests or against a binding to a real board (a Pi4J or
 * diozero implementation maps each id to its pin, bus or serial port).
 *
 * <p>Each {@code open} method claims the device's pins or bus address until the device is closed; opening a device
 * that is already open throws {@link IllegalStateException}. An unknown id, or an id of another kind of device,
 * throws {@link IllegalArgumentException} naming the id and what the board has.
 */
public interface BoardProvider extends AutoCloseable {
    /** Opens a sensor (temperature, humidity, CO2, light, soil moisture, ...). */
    Sensor sensor(String id);

    /** Opens an analog input channel of an ADC. */
    AnalogInput analogInput(String id);

    /** Opens a GPIO input. */
    DigitalInput digitalInput(String id);

    /** Opens a GPIO output. */
    DigitalOutput digitalOutput(String id);

    /** Opens a relay. */
    Relay relay(String id);

    /** Opens a PWM output. */
    PwmOutput pwm(String id);

    /** Opens an I2C device as a register map. */
    I2cDevice i2c(String id);

    /** Closes every device this provider opened and releases the board. Idempotent. */
    @Override
    void close();
}
