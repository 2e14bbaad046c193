package dev.loopguard.core;

/**
 * Where a task of a {@link TaskRegistry} is.
 *
 * <pre>
 * ADDED --start--> SCHEDULED --due--> RUNNING --returned--> DONE      (or SCHEDULED again when it repeats)
 *                                             --threw-----> FAILED    (or SCHEDULED again when it repeats)
 * SCHEDULED or RUNNING --stop--> STOPPED
 * DONE, FAILED, STOPPED --start or restart--> SCHEDULED
 * </pre>
 */
public enum TaskState {
    /** Added, never started. */
    ADDED,
    /** Started, waiting for its start time or its next repetition. */
    SCHEDULED,
    /** Its body is running. */
    RUNNING,
    /** Its (only) run returned a result. */
    DONE,
    /** Its (only) run threw. */
    FAILED,
    /** Stopped by {@link TaskRegistry#stop(String)} or {@link TaskRegistry#restart(String)}. */
    STOPPED;

    /** Whether the task is scheduled or running, i.e. whether stop applies and start does not. */
    public boolean isActive() {
        return this == SCHEDULED || this == RUNNING;
    }
}
