/**
 * The greenhouse: Mycodo-style input, heater, fan, watering and alert controllers on core's event loop and
 * hardware-sim's simulated plant ({@link dev.loopguard.examples.greenhouse.Greenhouse}), the command-line demo that
 * runs it on virtual or real time ({@link dev.loopguard.examples.greenhouse.GreenhouseDemo}), and the mistakes it can
 * be run with for the Loopguard agent to find ({@link dev.loopguard.examples.greenhouse.Bug}).
 */
package dev.loopguard.examples.greenhouse;
