/**
 * The greenhouse demo: a climate controller on core's event loop and hardware-sim's simulated plant.
 */
package dev.loopguard.examples.greenhouse;
