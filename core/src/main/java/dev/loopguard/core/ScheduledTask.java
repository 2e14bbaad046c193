package dev.loopguard.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task scheduled on an {@link EventLoop}, and the future its {@code schedule...} methods return. The loop keeps it
 * in a queue ordered by {@link #deadline} (then by the order of scheduling) and runs it on the loop thread once the
 * loop's clock reaches that deadline; a periodic task puts itself back with its next deadline.
 *
 * <p>Part of the contract with the Loopguard agent (docs/ARCHITECTURE.md): the agent finds the task the caller
 * scheduled in the field {@code task} (the caller's {@code Callable}, or the loop's adapter around a
 * {@code Runnable}), and recognises this class by its name. Keep both names.
 */
final class ScheduledTask<V> extends CompletableFuture<V> implements RunnableScheduledFuture<V> {
    private final EventLoop loop;
    private final Callable<V> task;
    /** > 0: fixed rate; < 0: fixed delay; 0: once. */
    private final long period;
    private final int sequence;
    /** On the loop's clock; written by the loop thread only, when a periodic task is rescheduled. */
    long deadline;

    ScheduledTask(EventLoop loop, Callable<V> task, long deadline, long period, int sequence) {
        this.loop = loop;
        this.task = task;
        this.deadline = deadline;
        this.period = period;
        this.sequence = sequence;
    }

    @Override
    public void run() {
        if (isDone()) {
            return;
        }
        if (period == 0) {
            try {
                complete(task.call());
            } catch (Throwable t) {
                completeExceptionally(t);
            }
            return;
        }
        try {
            task.call();
        } catch (Throwable t) {
            completeExceptionally(t);
            loop.reportUncaught(this, t);
            return;
        }
        if (!isDone()) {
            deadline = period > 0 ? deadline + period : loop.clock().nanoTime() - period;
            loop.reschedule(this);
        }
    }

    @Override
    public boolean isPeriodic() {
        return period != 0;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            loop.scheduledTaskCancelled();
        }
        return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(deadline - loop.clock().nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        if (other instanceof ScheduledTask) {
            ScheduledTask<?> that = (ScheduledTask<?>) other;
            int byDeadline = Long.compare(deadline - that.deadline, 0);
            return byDeadline != 0 ? byDeadline : Integer.compare(sequence, that.sequence);
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public String toString() {
        String kind = period == 0 ? "scheduled" : period > 0 ? "fixed-rate" : "fixed-delay";
        return kind + " task " + task + " (" + (isDone() ? "done" : "due in "
                + Duration.ofNanos(deadline - loop.clock().nanoTime())) + ")";
    }
}
