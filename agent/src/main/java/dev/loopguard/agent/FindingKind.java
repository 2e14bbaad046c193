package dev.loopguard.agent;

/**
 * What a {@link Finding} is about. The names are part of the JSON report contract and of the {@code failOn} option.
 */
public enum FindingKind {
    /** A call that can block the thread (sleep, wait, park, file, socket, DNS, process, contended monitor) made on an
     *  event-loop thread. */
    BLOCKING_CALL,
    /** An event-loop thread that stayed inside one task longer than {@code stallThreshold}. */
    LOOP_STALL,
    /** Work that was submitted but never ran, or that nothing can ever complete. */
    LOST_TASK,
    /** A failure that nobody observed. */
    UNHANDLED_FAILURE,
    /** A future or publisher returned by a call and discarded by the caller. */
    IGNORED_FUTURE,
    /** A virtual thread pinned to its carrier while blocking. */
    PINNED_THREAD
}
