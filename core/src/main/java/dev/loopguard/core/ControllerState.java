package dev.loopguard.core;

/**
 * Where a controller is in its lifecycle, as a {@link ControllerRunner} sees it.
 *
 * <pre>
 * REGISTERED --start--> STARTING --initialize+start ok--> RUNNING --stop--> STOPPING --> STOPPED
 *                           |                                                             |
 *                           +--initialize or start failed--> FAILED                       |
 * STOPPED and FAILED --start--> STARTING  (initialize is not repeated once it succeeded) <+
 * </pre>
 */
public enum ControllerState {
    /** Registered, never started. */
    REGISTERED,
    /** {@code initialize} (first time only) and {@code start} are running. */
    STARTING,
    /** Its loop runs every period. */
    RUNNING,
    /** Its in-flight iteration is being cancelled and {@code stop} is running. */
    STOPPING,
    /** Stopped; may be started again. */
    STOPPED,
    /** {@code initialize} or {@code start} failed; may be started again once the cause is fixed. */
    FAILED
}
