package dev.loopguard.core;

/**
 * An {@link EventLoop}'s queue entry: the task as it was queued, when it was due (for the loop's lag), and how the
 * loop handles it.
 *
 * <p>Part of the contract with the Loopguard agent (docs/ARCHITECTURE.md): {@code EventLoop.runTask} receives this
 * entry, and the agent reads the field {@code task} to know which queued task starts. Keep that field's name.
 */
final class QueuedTask implements Runnable {
    final Runnable task;
    final long dueAt;
    /** A {@link ScheduledTask} handed over from another thread, which the loop moves to its scheduled queue. */
    final boolean scheduleRequest;
    /** Whether running it ends a unit of the loop's pending work. */
    final boolean countsAsPending;

    QueuedTask(Runnable task, long dueAt, boolean scheduleRequest) {
        this(task, dueAt, scheduleRequest, true);
    }

    /**
     * A scheduled task counts as pending work only while it waits in the inbox as a schedule request; in the
     * scheduled queue, and when it runs once due, the loop's next deadline stands for it instead.
     */
    QueuedTask(ScheduledTask<?> task, long dueAt, boolean scheduleRequest) {
        this(task, dueAt, scheduleRequest, scheduleRequest);
    }

    private QueuedTask(Runnable task, long dueAt, boolean scheduleRequest, boolean countsAsPending) {
        this.task = task;
        this.dueAt = dueAt;
        this.scheduleRequest = scheduleRequest;
        this.countsAsPending = countsAsPending;
    }

    @Override
    public void run() {
        task.run();
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
