/**
 * Vendor-neutral hardware interfaces (sensors, digital and analog I/O, relays, PWM, I2C) that controllers use and
 * that a board binding or the simulator implements.
 */
package dev.loopguard.hardware;
