package dev.loopguard.hardware;

/**
 * A device on an I2C bus seen as a map of 8-bit registers. Values written are kept and read back.
 */
public interface I2cDevice extends Device {
    /** The bus number, e.g. 1 for {@code /dev/i2c-1}. */
    int bus();

    /** The 7-bit device address. */
    int address();

    /**
     * Reads one register.
     *
     * @throws IllegalArgumentException if {@code register} is outside 0x00..0xFF
     */
    int readRegister(int register);

    /**
     * Writes one register.
     *
     * @throws IllegalArgumentException if {@code register} or {@code value} is outside 0x00..0xFF
     */
    void writeRegister(int register, int value);

    /** Reads {@code length} consecutive registers starting at {@code register}. */
    byte[] readRegisters(int register, int length);

    /** Writes consecutive registers starting at {@code register}. */
    void writeRegisters(int register, byte[] values);
}
