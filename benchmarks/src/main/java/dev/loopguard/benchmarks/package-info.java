/**
 * JMH benchmarks and their runners: the agent's own cost, and sequential against gathered reads. Each benchmark
 * class says what it measures and why its setup is fair; docs/benchmarks.md gives how to run and read them.
 */
package dev.loopguard.benchmarks;
