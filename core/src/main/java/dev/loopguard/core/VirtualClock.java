package dev.loopguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when a test moves it, for running event loops, controllers and simulations on virtual time.
 *
 * <p>Every {@link EventLoop} built on this clock takes part in time steps: {@link #advanceBy(Duration)} moves time to
 * each deadline that falls inside the step, in order, lets every loop run what has become due, and returns once all of
 * them are idle again. A task scheduled an hour ahead therefore runs after {@code advanceBy(Duration.ofHours(1))},
 * which takes microseconds of real time.
 *
 * <pre>{@code
 * VirtualClock clock = VirtualClock.create();
 * try (EventLoop loop = EventLoop.builder().clock(clock).build()) {
 *     loop.scheduleAtFixedRate(sensor::sample, Duration.ZERO, Duration.ofMinutes(1));
 *     clock.advanceBy(Duration.ofDays(1));   // 1441 samples, well under a second
 * }
 * }</pre>
 *
 * <p>Waiting for loops to become idle is bounded in real time ({@link #idleTimeout()}, 10 seconds unless changed):
 * a loop that stays busy, for example because a task blocks or waits for an offloaded call that never returns, makes
 * the step fail with an {@link IllegalStateException} that names the loop, instead of hanging the test.
 *
 * <p>Time is advanced from one thread at a time (other callers wait their turn), and never from a thread of a loop
 * on this clock, which would wait for itself.
 */
public final class VirtualClock extends LoopClock {

    /** Where a clock made by {@link #create()} starts. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Instant start;
    private final CopyOnWriteArrayList<EventLoop> loops = new CopyOnWriteArrayList<>();
    private final ReentrantLock stepLock = new ReentrantLock();
    /** Elapsed virtual nanoseconds; only ever raised (by the stepping thread, or by a loop running ahead). */
    private final AtomicLong now = new AtomicLong();
    /** While one loop runs ahead on its own, the furthest it may move time; otherwise Long.MIN_VALUE. */
    private volatile long runAheadLimit = Long.MIN_VALUE;
    private volatile Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

    private VirtualClock(Instant start) {
        this.start = start;
    }

    /** A virtual clock at {@link #DEFAULT_START} (2026-01-01T00:00:00Z). */
    public static VirtualClock create() {
        return new VirtualClock(DEFAULT_START);
    }

    /** A virtual clock whose {@link #instant()} starts at {@code start}. */
    public static VirtualClock startingAt(Instant start) {
        return new VirtualClock(Objects.requireNonNull(start, "start"));
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public Instant instant() {
        return start.plusNanos(now.get());
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    /** How much virtual time has passed since the clock was created. */
    public Duration elapsed() {
        return Duration.ofNanos(now.get());
    }

    /** How long, in real time, a step waits for the loops on this clock to become idle. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Sets how long, in real time, a step waits for the loops on this clock to become idle before it fails.
     *
     * @return this clock
     */
    public VirtualClock idleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "idleTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("VirtualClock idleTimeout must be positive, was " + timeout);
        }
        Durations.requireWithinClock(timeout, "VirtualClock idleTimeout");
        this.idleTimeout = timeout;
        return this;
    }

    /**
     * Moves time forward by {@code amount}, stopping at every deadline on the way so that tasks run at the virtual
     * time they were scheduled for, and returns when every loop on this clock is idle at the new time.
     *
     * @throws IllegalArgumentException if {@code amount} is negative, or would take the clock past the about 292 years
     *     from its start that its nanosecond count holds
     * @throws IllegalStateException if called from a loop thread of this clock, or if a loop does not become idle
     *     within {@link #idleTimeout()} of real time
     */
    public void advanceBy(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException(
                    "VirtualClock.advanceBy amount must be zero or positive, was " + amount);
        }
        stepLock.lock();
        try {
            advanceToNanos(now.get() + requireWithinRange(amount, "VirtualClock.advanceBy amount"));
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * The nanoseconds of a step, refused when it would move the clock past what its {@code long} of nanoseconds
     * holds (about 292 years from its start); called with the step lock held.
     */
    private long requireWithinRange(Duration amount, String name) {
        Duration left = Duration.ofNanos(Long.MAX_VALUE - now.get());
        if (amount.compareTo(left) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + left + " (the clock has run for "
                    + elapsed() + " of the " + Durations.MAX + " its nanosecond count holds), was " + amount);
        }
        return amount.toNanos();
    }

    /**
     * Moves time forward to {@code target}, as {@link #advanceBy(Duration)} does.
     *
     * @throws IllegalArgumentException if {@code target} is before {@link #instant()}, or further ahead than the
     *     clock's nanosecond count holds
     */
    public void advanceTo(Instant target) {
        Objects.requireNonNull(target, "target");
        stepLock.lock();
        try {
            Instant current = instant();
            if (target.isBefore(current)) {
                throw new IllegalArgumentException("VirtualClock.advanceTo target must not be before the clock's "
                        + "current instant " + current + ", was " + target);
            }
            advanceToNanos(now.get() + requireWithinRange(Duration.between(current, target),
                    "VirtualClock.advanceTo step to " + target));
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Runs everything that can run at the current virtual time, including tasks those tasks submit and the
     * completions of offloaded calls, and returns when every loop on this clock is idle. Time does not move.
     */
    public void runUntilIdle() {
        stepLock.lock();
        try {
            refuseLoopThread("runUntilIdle");
            awaitIdle();
        } finally {
            stepLock.unlock();
        }
    }

    private void advanceToNanos(long target) {
        refuseLoopThread("advanceBy/advanceTo");
        awaitIdle();
        if (loops.size() == 1) {
            runAhead(loops.get(0), target);
        }
        // Several loops (or what is left after running ahead): step to each deadline in turn, so that a task on one
        // loop that schedules work on another sees it run at the right virtual time.
        for (;;) {
            long next = earliestDeadline();
            if (next == NO_DEADLINE || next > target) {
                break;
            }
            now.accumulateAndGet(next, Math::max);
            wakeLoops();
            awaitIdle();
        }
        now.accumulateAndGet(target, Math::max);
        wakeLoops();
        awaitIdle();
    }

    /**
     * With a single loop on the clock, nothing else can observe the order of deadlines, so the loop thread moves time
     * to its own next deadline whenever it is idle, without handing each step back and forth (about 20 us each).
     */
    private void runAhead(EventLoop loop, long target) {
        runAheadLimit = target;
        try {
            loop.wakeUp();
            long limit = System.nanoTime() + idleTimeout.toNanos();
            long lastSeen = now.get();
            int spins = 0;
            for (;;) {
                long current = now.get();
                if (loops.size() != 1 || loop.isIdleAt(current) && loop.publishedNextDeadline() > target) {
                    return;
                }
                if (current != lastSeen) {
                    // Progress: the loop is working through deadlines; only a loop that stops moving is stuck.
                    lastSeen = current;
                    limit = System.nanoTime() + idleTimeout.toNanos();
                } else if (System.nanoTime() - limit > 0) {
                    throw notIdle(loop);
                }
                if (++spins < 200) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 20_000);
                }
            }
        } finally {
            runAheadLimit = Long.MIN_VALUE;
        }
    }

    /**
     * Called by {@code loop}'s own thread when it is idle and its next deadline is {@code deadline}: moves time to that
     * deadline if the loop is running ahead alone and the deadline is within the step.
     */
    boolean tryRunAhead(EventLoop loop, long deadline) {
        if (deadline > runAheadLimit || loops.size() != 1 || loops.get(0) != loop) {
            return false;
        }
        now.accumulateAndGet(deadline, Math::max);
        return true;
    }

    private long earliestDeadline() {
        long earliest = NO_DEADLINE;
        for (EventLoop loop : loops) {
            earliest = Math.min(earliest, loop.publishedNextDeadline());
        }
        return earliest;
    }

    private void wakeLoops() {
        for (EventLoop loop : loops) {
            loop.wakeUp();
        }
    }

    private void awaitIdle() {
        long limit = System.nanoTime() + idleTimeout.toNanos();
        for (EventLoop loop : loops) {
            int spins = 0;
            while (!loop.isIdleAt(now.get())) {
                if (System.nanoTime() - limit > 0) {
                    throw notIdle(loop);
                }
                // A hand-over to the loop thread usually takes a few microseconds: spin briefly, then back off.
                if (++spins < 200) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 20_000);
                }
            }
        }
    }

    private IllegalStateException notIdle(EventLoop loop) {
        return new IllegalStateException("EventLoop '" + loop.name() + "' did not become idle within "
                + idleTimeout + " of real time at virtual time " + instant() + " ("
                + loop.pendingWork() + " tasks or offloaded calls pending). A task on it may be blocked, "
                + "or an offloaded call may be waiting for something that never happens; "
                + "raise VirtualClock.idleTimeout(...) if the offloaded work is just slow.");
    }

    private void refuseLoopThread(String operation) {
        Thread current = Thread.currentThread();
        if (current instanceof EventLoopThread && loops.contains(((EventLoopThread) current).eventLoop())) {
            throw new IllegalStateException("VirtualClock." + operation + " was called on event-loop thread '"
                    + current.getName() + "', which runs on this clock and would wait for itself. "
                    + "Move the clock from the test thread.");
        }
    }

    @Override
    void attach(EventLoop loop) {
        loops.add(loop);
    }

    @Override
    void detach(EventLoop loop) {
        loops.remove(loop);
    }

    @Override
    public String toString() {
        return "VirtualClock[" + instant() + ", elapsed " + elapsed() + "]";
    }
}
