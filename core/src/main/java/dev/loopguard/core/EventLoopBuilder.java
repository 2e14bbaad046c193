package dev.loopguard.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Settings for a new {@link EventLoop}, from {@link EventLoop#builder()}. Immutable: every setter returns a new
 * builder, so a builder can be shared and specialised. Its fields are read by the loop's constructor, in this package.
 */
public final class EventLoopBuilder {
    String name;
    LoopClock clock = LoopClock.system();
    int offloadThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    int offloadQueueCapacity = 1024;
    ClosePolicy closePolicy = ClosePolicy.RUN_QUEUED;
    Duration closeTimeout = Duration.ofSeconds(10);
    Consumer<List<Runnable>> onUnrunTasks;
    Thread.UncaughtExceptionHandler uncaughtExceptionHandler;
    boolean daemon = true;

    EventLoopBuilder() {
    }

    private EventLoopBuilder(EventLoopBuilder from) {
        this.name = from.name;
        this.clock = from.clock;
        this.offloadThreads = from.offloadThreads;
        this.offloadQueueCapacity = from.offloadQueueCapacity;
        this.closePolicy = from.closePolicy;
        this.closeTimeout = from.closeTimeout;
        this.onUnrunTasks = from.onUnrunTasks;
        this.uncaughtExceptionHandler = from.uncaughtExceptionHandler;
        this.daemon = from.daemon;
    }

    /** The loop's name and its thread's name; by default {@code loopguard-loop-N}. */
    public EventLoopBuilder name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("EventLoop name must not be blank, was '" + name + "'");
        }
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.name = name;
        return copy;
    }

    /** The clock to schedule on; {@link LoopClock#system()} by default, a {@link VirtualClock} in tests. */
    public EventLoopBuilder clock(LoopClock clock) {
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.clock = Objects.requireNonNull(clock, "clock");
        return copy;
    }

    /** Threads of the {@link EventLoop#offload(Callable)} pool; default {@code max(4, 2 x cores)}. */
    public EventLoopBuilder offloadThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("EventLoop offloadThreads must be >= 1, was " + threads);
        }
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.offloadThreads = threads;
        return copy;
    }

    /** Offloaded calls that may wait for a free thread before offload fails fast; default 1024. */
    public EventLoopBuilder offloadQueueCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("EventLoop offloadQueueCapacity must be >= 1, was " + capacity);
        }
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.offloadQueueCapacity = capacity;
        return copy;
    }

    /** What closing does with queued work; {@link ClosePolicy#RUN_QUEUED} by default. */
    public EventLoopBuilder closePolicy(ClosePolicy policy) {
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.closePolicy = Objects.requireNonNull(policy, "closePolicy");
        return copy;
    }

    /** How long close() waits, in real time, for the loop to stop; 10 seconds by default. */
    public EventLoopBuilder closeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "closeTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("EventLoop closeTimeout must be positive, was " + timeout);
        }
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.closeTimeout = timeout;
        return copy;
    }

    /**
     * Receives the tasks that did not run when the loop was closed; by default they are listed on standard error
     * (periodic tasks, which are expected to stop with the loop, are not listed).
     */
    public EventLoopBuilder onUnrunTasks(Consumer<List<Runnable>> handler) {
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.onUnrunTasks = Objects.requireNonNull(handler, "onUnrunTasks");
        return copy;
    }

    /**
     * Receives exceptions thrown by tasks given to {@code execute} and by periodic tasks, which have no future to
     * carry them; by default the JVM's default handling, which prints the stack trace.
     */
    public EventLoopBuilder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.uncaughtExceptionHandler = Objects.requireNonNull(handler, "uncaughtExceptionHandler");
        return copy;
    }

    /** Whether the loop thread is a daemon thread (the default) that does not keep the JVM alive. */
    public EventLoopBuilder daemon(boolean daemon) {
        EventLoopBuilder copy = new EventLoopBuilder(this);
        copy.daemon = daemon;
        return copy;
    }

    /** Builds the loop and starts its thread. */
    public EventLoop build() {
        return new EventLoop(this);
    }
}
