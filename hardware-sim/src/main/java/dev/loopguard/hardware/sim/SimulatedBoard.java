package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.AnalogInput;
import dev.loopguard.hardware.BoardProvider;
import dev.loopguard.hardware.DigitalInput;
import dev.loopguard.hardware.DigitalOutput;
import dev.loopguard.hardware.I2cDevice;
import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Relay;
import dev.loopguard.hardware.Sensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A board simulated from a {@link Scenario}: the {@link BoardProvider} tests run controllers against.
 *
 * <p>All time comes from a {@link LoopClock} and all delays are scheduled on a {@link ScheduledExecutorService};
 * pass an {@link EventLoop} built on a {@code VirtualClock} and a simulated day runs in a fraction of a second as
 * the test advances the clock, or one on the system clock for demos. Reads complete, scripted input levels change
 * and debounce timers fire as scheduled tasks on that executor.
 *
 * <p>The simulation runs from {@link #start} whether or not a device is open: the plant evolves, input levels
 * change on their timeline. Every reading, actuation, input change and fault lands in {@link #recorder()}.
 *
 * <p>Blocking reads ({@link Sensor#readBlocking()}) hold the calling thread for the read's latency. On a
 * virtual clock that means: an event-loop thread sleeps for the latency in real time while virtual time stands still
 * (the stall the Loopguard agent reports); a task inside {@code EventLoop.offload(...)} of the board's loop returns
 * at once, because the virtual clock does not move while offloaded calls are pending; any other thread waits until
 * the virtual clock passes the read's deadline.
 *
 * <p>Randomness: each device draws from its own random source derived from the scenario seed and the device id,
 * so the same seed and the same sequence of operations give the same timeline, and adding a device does not change
 * the others' draws.
 */
public final class SimulatedBoard implements BoardProvider {
    private final Scenario scenario;
    private final LoopClock clock;
    private final ScheduledExecutorService executor;
    private final long startNanos;
    private final Recorder recorder;
    private final GreenhousePlant plant;
    private final Map<String, Object> runtimes = new LinkedHashMap<>();
    private final Map<String, AutoCloseable> open = new LinkedHashMap<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private boolean closed;

    private SimulatedBoard(Scenario scenario, LoopClock clock, ScheduledExecutorService executor) {
        this.scenario = scenario;
        this.clock = clock;
        this.executor = executor;
        this.startNanos = clock.nanoTime();
        this.recorder = new Recorder(clock);
        this.plant = scenario.plant() == null ? null
                : new GreenhousePlant(scenario.plant(), clock, startNanos, Randoms.forPart(scenario.seed(), "plant"));
        for (DeviceSpec d : scenario.devices()) {
            runtimes.put(d.id(), runtime(d));
        }
    }

    /**
     * Starts a simulation of {@code scenario} on {@code loop}'s clock, scheduling on {@code loop}.
     *
     * @throws IllegalArgumentException if a device's signal cannot run (for example a plant variable the plant
     *                                  does not have)
     */
    public static SimulatedBoard start(Scenario scenario, EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        return start(scenario, loop.clock(), loop);
    }

    /**
     * Starts a simulation of {@code scenario} that reads time from {@code clock} and schedules every delay on
     * {@code executor}. The executor must run on the same clock (an {@link EventLoop} built with it); a plain
     * {@code ScheduledThreadPoolExecutor} is fine with {@link LoopClock#system()}.
     */
    public static SimulatedBoard start(Scenario scenario, LoopClock clock, ScheduledExecutorService executor) {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(executor, "executor");
        if (executor instanceof EventLoop loop && loop.clock() != clock) {
            throw new IllegalArgumentException("executor " + loop.name() + " runs on " + loop.clock()
                    + " but the board was given " + clock + "; pass the loop's own clock (or use start(scenario, loop))");
        }
        SimulatedBoard board = new SimulatedBoard(scenario, clock, executor);
        board.startDevices();
        return board;
    }

    private Object runtime(DeviceSpec d) {
        var random = Randoms.forPart(scenario.seed(), "device:" + d.id());
        if (d instanceof DeviceSpec.SensorSpec s) {
            return new SensorRuntime(s, this, plant, random);
        }
        if (d instanceof DeviceSpec.InputSpec i) {
            return new InputRuntime(i, this, random);
        }
        if (d instanceof DeviceSpec.OutputSpec o) {
            return new OutputRuntime.Switch(o, this);
        }
        if (d instanceof DeviceSpec.PwmSpec p) {
            return new OutputRuntime.Pwm(p, this);
        }
        return new I2cRuntime((DeviceSpec.I2cSpec) d, this);
    }

    private void startDevices() {
        for (Object r : runtimes.values()) {
            if (r instanceof InputRuntime i) {
                i.start();
            } else if (r instanceof OutputRuntime.Switch s) {
                s.start();
            } else if (r instanceof OutputRuntime.Pwm p) {
                p.start();
            }
        }
    }

    /** The scenario this board simulates. */
    public Scenario scenario() {
        return scenario;
    }

    /** The clock the simulation reads. */
    public LoopClock clock() {
        return clock;
    }

    /** The timeline of everything that happened on the board. */
    public Recorder recorder() {
        return recorder;
    }

    /** The greenhouse plant, if the scenario has one. */
    public Optional<GreenhousePlant> plant() {
        return Optional.ofNullable(plant);
    }

    /** Time since the board started, on its clock. */
    public Duration elapsed() {
        return Duration.ofNanos(clock.nanoTime() - startNanos);
    }

    /**
     * Drives the wire of a simulated input to {@code level} now, as a button, float or external circuit would.
     * Bounce faults and debounce apply. The input need not be open.
     *
     * @throws IllegalArgumentException if {@code id} is not a digital input or float switch
     */
    public void driveInput(String id, boolean level) {
        checkNotClosed("driveInput()");
        InputRuntime input = runtime(id, InputRuntime.class, "digital input");
        input.drive(level);
    }

    @Override
    public Sensor sensor(String id) {
        SensorRuntime s = runtime(id, SensorRuntime.class, "sensor");
        return claim(id, new SensorHandle(s, this));
    }

    @Override
    public AnalogInput analogInput(String id) {
        SensorRuntime s = runtime(id, SensorRuntime.class, "analog input");
        if (s.spec.model() != SensorModel.ADS1115) {
            throw new IllegalArgumentException("device '" + id + "' is a " + s.spec.model().key()
                    + " sensor, not an analog input; open it with sensor(\"" + id + "\") or declare an ads1115");
        }
        return claim(id, new SensorHandle(s, this));
    }

    @Override
    public DigitalInput digitalInput(String id) {
        InputRuntime i = runtime(id, InputRuntime.class, "digital input");
        return claim(id, i.new Handle());
    }

    @Override
    public DigitalOutput digitalOutput(String id) {
        OutputRuntime.Switch s = runtime(id, OutputRuntime.Switch.class, "digital output");
        if (s.spec.relay()) {
            throw new IllegalArgumentException("device '" + id + "' is a relay; open it with relay(\"" + id + "\")");
        }
        return claim(id, s.new OutputHandle());
    }

    @Override
    public Relay relay(String id) {
        OutputRuntime.Switch s = runtime(id, OutputRuntime.Switch.class, "relay");
        if (!s.spec.relay()) {
            throw new IllegalArgumentException("device '" + id + "' is a digital-output, not a relay; open it with "
                    + "digitalOutput(\"" + id + "\") or declare it as type relay");
        }
        return claim(id, s.new RelayHandle());
    }

    @Override
    public PwmOutput pwm(String id) {
        OutputRuntime.Pwm p = runtime(id, OutputRuntime.Pwm.class, "pwm");
        return claim(id, p.new Handle());
    }

    @Override
    public I2cDevice i2c(String id) {
        I2cRuntime r = runtime(id, I2cRuntime.class, "i2c");
        return claim(id, r.new Handle());
    }

    /** Closes every open device and stops scheduled input changes. The recorder stays readable. Idempotent. */
    @Override
    public void close() {
        List<AutoCloseable> handles;
        List<ScheduledFuture<?>> pendingTimers;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            handles = List.copyOf(open.values());
            pendingTimers = List.copyOf(timers);
            timers.clear();
        }
        for (AutoCloseable h : handles) {
            try {
                h.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + h + " failed", e);
            }
        }
        pendingTimers.forEach(f -> f.cancel(false));
    }

    // ---- package-private services for the device runtimes ----

    ScheduledExecutorService executor() {
        return executor;
    }

    long startNanos() {
        return startNanos;
    }

    /** Schedules simulation work, remembered so {@link #close()} can cancel what has not run. */
    void schedule(Runnable task, long delayNanos) {
        synchronized (this) {
            if (closed) {
                return; // the board is gone: nothing simulated happens after close
            }
            timers.removeIf(ScheduledFuture::isDone);
            timers.add(executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
        }
    }

    synchronized void release(String id) {
        open.remove(id);
    }

    private synchronized <T extends AutoCloseable> T claim(String id, T handle) {
        checkNotClosed("opening '" + id + "'");
        AutoCloseable holder = open.get(id);
        if (holder != null) {
            DeviceSpec d = scenario.device(id).orElseThrow();
            throw new IllegalStateException("device '" + id + "' (" + d.type() + ", " + String.join(", ", d.claims())
                    + ") is already open; a pin or bus address can be claimed once: close the earlier handle or "
                    + "reuse it");
        }
        open.put(id, handle);
        return handle;
    }

    private <T> T runtime(String id, Class<T> kind, String wanted) {
        Objects.requireNonNull(id, "id");
        Object r = runtimes.get(id);
        if (r == null) {
            throw new IllegalArgumentException("the board has no device '" + id + "'; it has " + runtimes.keySet());
        }
        if (!kind.isInstance(r)) {
            DeviceSpec d = scenario.device(id).orElseThrow();
            throw new IllegalArgumentException("device '" + id + "' is a " + d.type() + ", not a " + wanted);
        }
        return kind.cast(r);
    }

    private synchronized void checkNotClosed(String operation) {
        if (closed) {
            throw new IllegalStateException("board '" + scenario.name() + "' is closed; " + operation
                    + " needs a running board");
        }
    }

    @Override
    public String toString() {
        return "SimulatedBoard[" + scenario.name() + ", " + runtimes.size() + " devices, at " + elapsed() + "]";
    }
}
