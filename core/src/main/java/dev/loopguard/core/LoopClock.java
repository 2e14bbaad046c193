package dev.loopguard.core;

import java.time.Instant;

/**
 * The source of time for event loops, controllers, async utilities and simulations.
 *
 * <p>There are exactly two kinds: {@link #system()}, which follows the machine's clocks, and {@link VirtualClock},
 * which only moves when a test tells it to. Code that takes a {@code LoopClock} instead of calling
 * {@link System#nanoTime()} directly can run a simulated day in milliseconds.
 *
 * <p>The constructor is package-private on purpose: an {@link EventLoop} must know how to wait on its clock, so the
 * set of clock kinds is closed.
 */
public abstract class LoopClock {

    LoopClock() {
    }

    /** Returns the system clock: {@link System#nanoTime()} and {@link Instant#now()}. */
    public static LoopClock system() {
        return SystemClock.INSTANCE;
    }

    /**
     * Monotonic time in nanoseconds. Only differences between two values are meaningful, as with
     * {@link System#nanoTime()}.
     */
    public abstract long nanoTime();

    /** The wall-clock instant that corresponds to {@link #nanoTime()} now. */
    public abstract Instant instant();

    /** Whether this clock only moves when told to ({@link VirtualClock}). */
    public abstract boolean isVirtual();

    /** Called by a loop built on this clock, before its thread starts. */
    void attach(EventLoop loop) {
    }

    /** Called by a loop built on this clock when it has terminated. */
    void detach(EventLoop loop) {
    }

    private static final class SystemClock extends LoopClock {
        static final SystemClock INSTANCE = new SystemClock();

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant instant() {
            return Instant.now();
        }

        @Override
        public boolean isVirtual() {
            return false;
        }

        @Override
        public String toString() {
            return "LoopClock.system()";
        }
    }
}
