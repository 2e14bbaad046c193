package dev.loopguard.agent;

/**
 * Receives findings as the agent records them.
 *
 * <p>Called on the thread where the finding was detected (an event-loop thread for a blocking call, the watchdog
 * thread for a stall), once per occurrence, with the finding as merged so far (its {@link Finding#count()} includes
 * this occurrence). Keep it short and never block in it. An exception thrown by a listener is caught, reported once
 * in the report's {@code agentErrors}, and the listener is not called again.
 */
@FunctionalInterface
public interface FindingListener {
    void onFinding(Finding finding);
}
