package dev.loopguard.core;

/**
 * What {@link EventLoop#close()} and {@link EventLoop#shutdownGracefully()} do with work that has not run yet.
 *
 * <p>Whatever the policy, tasks that do not run are cancelled (so nobody waits on them forever) and handed back to
 * the caller; none is dropped silently.
 */
public enum ClosePolicy {

    /**
     * Tasks already queued, and scheduled tasks already due, run before the loop stops. Scheduled tasks that are not
     * yet due, and periodic tasks, are cancelled and handed back.
     */
    RUN_QUEUED,

    /** Nothing further runs: every queued and scheduled task is cancelled and handed back. */
    CANCEL_QUEUED
}
