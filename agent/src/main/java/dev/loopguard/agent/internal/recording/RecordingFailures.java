package dev.loopguard.agent.internal.recording;

/**
 * Where the recording's own failures go, and whether a part of it is still on: the running agent
 * ({@code AgentRuntime}) implements it. An interface, so that the recording depends on no class that depends on it.
 */
public interface RecordingFailures {
    /** Whether {@code detector} (here: {@code "jfr"}, {@code "recorder"}) has not failed. */
    boolean detectorEnabled(String detector);

    /** {@code detector} failed: it is reported, and turned off. */
    void detectorFailed(String detector, Throwable cause);

    /** Something outside the agent's detectors failed inside the agent (a finding listener, say): it is reported. */
    void agentError(String source, Throwable cause);
}
