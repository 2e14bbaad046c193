package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.DigitalInput;
import dev.loopguard.hardware.Edge;
import dev.loopguard.hardware.EdgeEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A simulated GPIO input: raw level, contact bounce, debounce and edge listeners. */
final class InputRuntime {
    private static final int DEFAULT_BOUNCES = 3;
    private static final Duration DEFAULT_BOUNCE_TIME = Duration.ofMillis(5);

    private record Listener(Edge edge, Executor executor, Consumer<EdgeEvent> consumer, Handle owner) {
    }

    final DeviceSpec.InputSpec spec;
    private final SimulatedBoard board;
    private final SplittableRandom random;
    private final List<Listener> listeners = new ArrayList<>();
    private boolean raw;
    private boolean state;
    private long lastRawChange = Long.MIN_VALUE;

    InputRuntime(DeviceSpec.InputSpec spec, SimulatedBoard board, SplittableRandom random) {
        this.spec = spec;
        this.board = board;
        this.random = random;
        this.raw = spec.initial();
        this.state = spec.initial();
    }

    String describe() {
        return "input '" + spec.id() + "' (" + spec.type() + " on GPIO" + spec.pin() + ")";
    }

    /** Records the initial level and schedules the scripted level changes. */
    void start() {
        board.recorder().record(spec.id(), RecordedEvent.Kind.INPUT, "state", state ? 1 : 0, "", "initial");
        for (DeviceSpec.LevelChange change : spec.levels()) {
            long delay = board.startNanos() + change.at().toNanos() - board.clock().nanoTime();
            board.schedule(() -> drive(change.level()), Math.max(0, delay));
        }
    }

    /** The wire is driven to {@code level}; bounce faults may add transitions before it settles. */
    void drive(boolean level) {
        long stamp;
        synchronized (this) {
            if (level == raw) {
                return;
            }
            stamp = setRaw(level);
            scheduleBounces();
        }
        settleUnlessDebounced(stamp);
    }

    private void scheduleBounces() {
        Duration t = Duration.ofNanos(board.clock().nanoTime() - board.startNanos());
        for (FaultSpec f : spec.faults()) {
            if (!f.windowContains(t) || (f.probability() != null && random.nextDouble() >= f.probability())) {
                continue;
            }
            int bounces = f.bounces() != null ? f.bounces() : DEFAULT_BOUNCES;
            Duration within = f.within() != null ? f.within() : DEFAULT_BOUNCE_TIME;
            board.recorder().record(spec.id(), RecordedEvent.Kind.FAULT, f.type().key(), bounces, "",
                    bounces + " bounces within " + DurationText.format(within));
            long[] times = new long[2 * bounces];
            for (int i = 0; i < times.length; i++) {
                times[i] = 1 + random.nextLong(within.toNanos());
            }
            Arrays.sort(times);
            // each bounce flips away from the new level and back, so the wire ends where it was driven
            for (long at : times) {
                board.schedule(this::toggleRaw, at);
            }
        }
    }

    private void toggleRaw() {
        long stamp;
        synchronized (this) {
            stamp = setRaw(!raw);
        }
        settleUnlessDebounced(stamp);
    }

    /** Changes the raw level now; returns the change's time stamp. Caller holds the lock. */
    private long setRaw(boolean level) {
        raw = level;
        long now = board.clock().nanoTime();
        lastRawChange = now;
        long debounce = spec.debounce().toNanos();
        if (debounce > 0) {
            board.schedule(() -> settle(now), debounce);
        }
        return now;
    }

    private void settleUnlessDebounced(long stamp) {
        if (spec.debounce().isZero()) {
            settle(stamp);
        }
    }

    private void settle(long changeStamp) {
        EdgeEvent event;
        List<Listener> targets;
        synchronized (this) {
            if (lastRawChange != changeStamp || raw == state) {
                return;
            }
            state = raw;
            board.recorder().record(spec.id(), RecordedEvent.Kind.INPUT, "state", state ? 1 : 0, "", "");
            event = new EdgeEvent(spec.id(), spec.pin(), state, board.clock().instant());
            targets = List.copyOf(listeners);
        }
        // dispatch outside the lock: a listener on a direct executor may drive other inputs or read this one
        for (Listener l : targets) {
            if (l.edge().matches(event.state())) {
                try {
                    l.executor().execute(() -> l.consumer().accept(event));
                } catch (RejectedExecutionException e) {
                    board.recorder().record(spec.id(), RecordedEvent.Kind.ERROR, "listener-rejected", Double.NaN, "",
                            "edge listener's executor rejected " + event + ": " + e);
                }
            }
        }
    }

    synchronized boolean state() {
        return state;
    }

    synchronized void addListener(Listener l) {
        listeners.add(l);
    }

    synchronized void removeListeners(Handle owner) {
        listeners.removeIf(l -> l.owner() == owner);
    }

    synchronized void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** An open input. */
    final class Handle implements DigitalInput {
        private volatile boolean closed;

        @Override
        public String id() {
            return spec.id();
        }

        @Override
        public int pin() {
            return spec.pin();
        }

        @Override
        public Duration debounce() {
            return spec.debounce();
        }

        @Override
        public boolean state() {
            checkOpen("state()");
            return InputRuntime.this.state();
        }

        @Override
        public AutoCloseable onEdge(Edge edge, Executor executor, Consumer<EdgeEvent> listener) {
            Objects.requireNonNull(edge, "edge");
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(listener, "listener");
            checkOpen("onEdge()");
            Listener l = new Listener(edge, executor, listener, this);
            addListener(l);
            return () -> removeListener(l);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            removeListeners(this);
            board.release(spec.id());
        }

        private void checkOpen(String operation) {
            if (closed) {
                throw new IllegalStateException(describe() + " is closed; " + operation
                        + " needs an open input: open it again with board.digitalInput(\"" + spec.id() + "\")");
            }
        }

        @Override
        public String toString() {
            return describe() + (closed ? " [closed]" : "");
        }
    }
}
