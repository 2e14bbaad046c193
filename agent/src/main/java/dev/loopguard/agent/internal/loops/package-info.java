/**
 * Event-loop threads: which threads are loops (by class, by name pattern, or by running a framework's loop method),
 * the state the agent keeps per thread, {@code LoopActivity} (the sink of the bootstrap {@code Bridge}: blocking
 * calls, idle waits and loop runs), the hooks that mark loop threads, the stall watchdog, and the sentences a user
 * reads from the loop-thread detectors ({@code Messages}). The blocking-call detector that {@code LoopActivity}
 * calls lives in {@code blocking}. Internal, not API.
 */
package dev.loopguard.agent.internal.loops;
