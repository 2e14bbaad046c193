package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.I2cDevice;

import java.util.Objects;

/** A simulated I2C device: 256 registers that keep what is written. */
final class I2cRuntime {
    final DeviceSpec.I2cSpec spec;
    private final SimulatedBoard board;
    private final byte[] registers = new byte[256];

    I2cRuntime(DeviceSpec.I2cSpec spec, SimulatedBoard board) {
        this.spec = spec;
        this.board = board;
        spec.registers().forEach((r, v) -> registers[r] = (byte) (int) v);
    }

    String describe() {
        return "i2c '" + spec.id() + "' at bus " + spec.bus() + " address 0x" + Integer.toHexString(spec.address());
    }

    final class Handle implements I2cDevice {
        private volatile boolean closed;

        @Override
        public String id() {
            return spec.id();
        }

        @Override
        public int bus() {
            return spec.bus();
        }

        @Override
        public int address() {
            return spec.address();
        }

        @Override
        public int readRegister(int register) {
            checkOpen("readRegister()");
            checkRange(register, 1);
            synchronized (registers) {
                return registers[register] & 0xFF;
            }
        }

        @Override
        public void writeRegister(int register, int value) {
            checkOpen("writeRegister()");
            checkRange(register, 1);
            if (value < 0 || value > 0xFF) {
                throw new IllegalArgumentException(describe() + ": register value must be 0x00..0xFF (0..255), was "
                        + value);
            }
            synchronized (registers) {
                registers[register] = (byte) value;
            }
            board.recorder().record(spec.id(), RecordedEvent.Kind.ACTUATION, "register", value, "",
                    String.format("0x%02x=0x%02x", register, value));
        }

        @Override
        public byte[] readRegisters(int register, int length) {
            checkOpen("readRegisters()");
            checkRange(register, length);
            byte[] out = new byte[length];
            synchronized (registers) {
                System.arraycopy(registers, register, out, 0, length);
            }
            return out;
        }

        @Override
        public void writeRegisters(int register, byte[] values) {
            Objects.requireNonNull(values, "values");
            checkOpen("writeRegisters()");
            checkRange(register, values.length);
            for (int i = 0; i < values.length; i++) {
                writeRegister(register + i, values[i] & 0xFF);
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                board.release(spec.id());
            }
        }

        private void checkRange(int register, int length) {
            if (register < 0 || register > 0xFF) {
                throw new IllegalArgumentException(describe() + ": register must be 0x00..0xFF, was " + register);
            }
            if (length < 1 || register + length > 0x100) {
                throw new IllegalArgumentException(describe() + ": " + length + " registers from 0x"
                        + Integer.toHexString(register) + " run past 0xff; length must be 1.." + (0x100 - register));
            }
        }

        private void checkOpen(String operation) {
            if (closed) {
                throw new IllegalStateException(describe() + " is closed; " + operation
                        + " needs an open device: open it again with board.i2c(\"" + spec.id() + "\")");
            }
        }

        @Override
        public String toString() {
            return describe() + (closed ? " [closed]" : "");
        }
    }
}
