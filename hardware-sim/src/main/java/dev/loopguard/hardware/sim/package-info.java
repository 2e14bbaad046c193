/**
 * The simulator: sensors with latency, noise and faults, GPIO, a greenhouse plant, scenario files and the
 * recorder, behind {@link dev.loopguard.hardware.sim.SimulatedBoard}.
 */
package dev.loopguard.hardware.sim;
