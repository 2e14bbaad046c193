package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.DigitalOutput;
import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Relay;

/** Simulated outputs: a GPIO output or relay, and a PWM output. Each drives its plant input if it has one. */
final class OutputRuntime {
    private OutputRuntime() {
    }

    /** A digital output or relay; {@code on} is the logical level (for a relay: the load is powered). */
    static final class Switch {
        final DeviceSpec.OutputSpec spec;
        private final SimulatedBoard board;
        private boolean on;

        Switch(DeviceSpec.OutputSpec spec, SimulatedBoard board) {
            this.spec = spec;
            this.board = board;
        }

        void start() {
            board.recorder().record(spec.id(), RecordedEvent.Kind.ACTUATION, "state", 0, "", "initial");
        }

        synchronized void set(boolean value) {
            if (value == on) {
                return;
            }
            on = value;
            board.recorder().record(spec.id(), RecordedEvent.Kind.ACTUATION, "state", on ? 1 : 0, "",
                    spec.relay() ? "pin " + (on != spec.activeLow() ? "high" : "low") : "");
            if (spec.drives() != null) {
                board.plant().ifPresent(p -> p.drive(spec.drives(), on ? 1 : 0));
            }
        }

        synchronized boolean isOn() {
            return on;
        }

        String describe() {
            return spec.type() + " '" + spec.id() + "' on GPIO" + spec.pin();
        }

        abstract class Handle {
            private volatile boolean closed;

            public String id() {
                return spec.id();
            }

            public int pin() {
                return spec.pin();
            }

            public boolean isClosed() {
                return closed;
            }

            public void close() {
                if (!closed) {
                    closed = true;
                    board.release(spec.id());
                }
            }

            void checkOpen(String operation) {
                if (closed) {
                    throw new IllegalStateException(describe() + " is closed; " + operation + " needs an open "
                            + spec.type() + ": open it again with board." + (spec.relay() ? "relay" : "digitalOutput")
                            + "(\"" + spec.id() + "\")");
                }
            }

            @Override
            public String toString() {
                return describe() + (closed ? " [closed]" : "");
            }
        }

        final class OutputHandle extends Handle implements DigitalOutput {
            @Override
            public void set(boolean high) {
                checkOpen("set()");
                Switch.this.set(high);
            }

            @Override
            public boolean isHigh() {
                checkOpen("isHigh()");
                return isOn();
            }
        }

        final class RelayHandle extends Handle implements Relay {
            @Override
            public boolean activeLow() {
                return spec.activeLow();
            }

            @Override
            public void on() {
                checkOpen("on()");
                set(true);
            }

            @Override
            public void off() {
                checkOpen("off()");
                set(false);
            }

            @Override
            public boolean isOn() {
                checkOpen("isOn()");
                return Switch.this.isOn();
            }
        }
    }

    /** A PWM output. */
    static final class Pwm {
        final DeviceSpec.PwmSpec spec;
        private final SimulatedBoard board;
        private double duty;
        private double frequency;

        Pwm(DeviceSpec.PwmSpec spec, SimulatedBoard board) {
            this.spec = spec;
            this.board = board;
            this.duty = spec.dutyCycle();
            this.frequency = spec.frequency();
        }

        void start() {
            board.recorder().record(spec.id(), RecordedEvent.Kind.ACTUATION, "frequency", frequency, "Hz", "initial");
            board.recorder().record(spec.id(), RecordedEvent.Kind.ACTUATION, "duty", duty, "", "initial");
            if (spec.drives() != null) {
                board.plant().ifPresent(p -> p.drive(spec.drives(), duty));
            }
        }

        String describe() {
            return "pwm '" + spec.id() + "' on GPIO" + spec.pin();
        }

        final class Handle implements PwmOutput {
            private volatile boolean closed;

            @Override
            public String id() {
                return spec.id();
            }

            @Override
            public int pin() {
                return spec.pin();
            }

            @Override
            public void dutyCycle(double dutyCycle) {
                checkOpen("dutyCycle()");
                if (!(dutyCycle >= 0 && dutyCycle <= 1)) {
                    throw new IllegalArgumentException(describe() + ": duty cycle must be in 0.0..1.0, was "
                            + dutyCycle);
                }
                synchronized (Pwm.this) {
                    if (dutyCycle == duty) {
                        return;
                    }
                    duty = dutyCycle;
                    board.recorder().record(spec.id(), RecordedEvent.Kind.ACTUATION, "duty", duty, "", "");
                    if (spec.drives() != null) {
                        board.plant().ifPresent(p -> p.drive(spec.drives(), duty));
                    }
                }
            }

            @Override
            public double dutyCycle() {
                checkOpen("dutyCycle()");
                synchronized (Pwm.this) {
                    return duty;
                }
            }

            @Override
            public void frequency(double hertz) {
                checkOpen("frequency()");
                if (!(hertz > 0) || Double.isInfinite(hertz)) {
                    throw new IllegalArgumentException(describe() + ": frequency must be a positive, finite number "
                            + "of hertz, was " + hertz);
                }
                synchronized (Pwm.this) {
                    if (hertz == frequency) {
                        return;
                    }
                    frequency = hertz;
                    board.recorder().record(spec.id(), RecordedEvent.Kind.ACTUATION, "frequency", hertz, "Hz", "");
                }
            }

            @Override
            public double frequency() {
                checkOpen("frequency()");
                synchronized (Pwm.this) {
                    return frequency;
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

            private void checkOpen(String operation) {
                if (closed) {
                    throw new IllegalStateException(describe() + " is closed; " + operation
                            + " needs an open pwm: open it again with board.pwm(\"" + spec.id() + "\")");
                }
            }

            @Override
            public String toString() {
                return describe() + (closed ? " [closed]" : "");
            }
        }
    }
}
