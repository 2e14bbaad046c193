/**
 * Vendor-neutral hardware interfaces (sensors, digital and analog I/O, relays, PWM, I2C) that controllers use and
 * that a board binding or the simulator implements.
 *
 * <p>This package is the artifact {@code loopguard-hardware-api}, which depends on nothing but {@code java.*}, so
 * that a binding to a real board (Pi4J, diozero) depends on it alone. Code that needs {@code core} or a library (the
 * simulator, its {@code Recorder} timeline, scenario files) lives in {@code dev.loopguard.hardware.sim}, in
 * {@code loopguard-hardware-sim}.
 */
package dev.loopguard.hardware;
