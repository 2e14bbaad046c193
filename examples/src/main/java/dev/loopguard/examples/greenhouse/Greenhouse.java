package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.ControllerRunner;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.Health;
import dev.loopguard.core.StopReport;
import dev.loopguard.hardware.sim.SimulatedBoard;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The greenhouse's controllers on one loop, Mycodo-style: four inputs ({@code air-probe} DS18B20, {@code air}
 * DHT22, {@code co2} MH-Z19, {@code soil} probe on an ADS1115) keep {@link Measurements}; the {@code heater},
 * {@code fan} and {@code watering} controllers act on them; {@code alerts} notices inputs that went quiet. A
 * {@link ControllerRunner} runs them and keeps their health.
 *
 * <p>The board must have the devices of the demo scenario ({@code greenhouse.yaml}): the four sensors and the
 * {@code heater} relay, {@code fan} PWM and {@code pump} output. {@code bugs} switches on the {@link Bug} modes.
 */
public final class Greenhouse {

    /** The air temperature the heater keeps, in C. */
    public static final double SETPOINT = 20.0;
    /** The heater's hysteresis until it first re-tunes, in C. */
    public static final double HYSTERESIS = 0.5;
    /** How often the heater, fan and alert controllers run, and the air inputs are read. */
    public static final Duration PERIOD = Duration.ofSeconds(30);
    /** Soil moisture, percent: the pump starts below {@code DRY} and stops above {@code WET}. */
    public static final double DRY = 30.0;
    public static final double WET = 45.0;
    /** Consecutive failed iterations after which a controller is DOWN rather than DEGRADED: 5 min at 30 s. */
    public static final int FAILURES_UNTIL_DOWN = 10;
    /** How often the heater re-tunes its hysteresis. */
    public static final Duration RETUNE_EVERY = Duration.ofHours(6);
    /** The demo greenhouse's thermal model, as its scenario's plant has it. */
    static final HeaterTuning.Model MODEL = new HeaterTuning.Model(Duration.ofMinutes(20), 18.0);

    private static final Duration CO2_PERIOD = Duration.ofMinutes(1);
    private static final Duration SOIL_PERIOD = Duration.ofMinutes(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final EventLoop loop;
    private final Set<Bug> bugs;
    private final Measurements measurements = new Measurements();
    private final Notifier notifier;
    private final ControllerRunner runner;
    private final HeaterController heater;
    private final AlertController alerts;

    private Greenhouse(SimulatedBoard board, EventLoop loop, Set<Bug> bugs, Consumer<String> alertChannel) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(Bug.class) : EnumSet.copyOf(bugs);
        this.notifier = new Notifier(alertChannel);
        Duration staleAir = PERIOD.multipliedBy(3);
        this.heater = new HeaterController("air-probe", measurements, board.relay("heater"), loop, SETPOINT,
                HYSTERESIS, staleAir, PERIOD, RETUNE_EVERY, MODEL, this.bugs.contains(Bug.STALL));
        Map<String, Duration> staleAfter = new LinkedHashMap<>();
        staleAfter.put("air-probe", staleAir);
        staleAfter.put("air", staleAir);
        staleAfter.put("co2", CO2_PERIOD.multipliedBy(3));
        staleAfter.put("soil", SOIL_PERIOD.multipliedBy(3));
        this.alerts = new AlertController(measurements, staleAfter, loop.clock(), notifier,
                this.bugs.contains(Bug.IGNORED));
        this.runner = ControllerRunner.builder(loop).name("greenhouse").failuresUntilDown(FAILURES_UNTIL_DOWN).build()
                .register("air-probe", new InputController("air-probe", board.sensor("air-probe"), measurements, loop,
                        READ_TIMEOUT, false), PERIOD)
                .register("air", new InputController("air", board.sensor("air"), measurements, loop, READ_TIMEOUT,
                        false), PERIOD)
                .register("co2", new InputController("co2", board.sensor("co2"), measurements, loop, READ_TIMEOUT,
                        this.bugs.contains(Bug.UNHANDLED)), CO2_PERIOD)
                .register("soil", this.bugs.contains(Bug.BLOCKING)
                        ? new QuickReadInput("soil", board.sensor("soil"), measurements, READ_TIMEOUT)
                        : new InputController("soil", board.sensor("soil"), measurements, loop, READ_TIMEOUT, false),
                        SOIL_PERIOD)
                .register("heater", heater, PERIOD)
                .register("fan", new FanController(measurements, "air-probe", "air", "co2", board.pwm("fan"),
                        loop.clock(), SETPOINT, staleAir), PERIOD)
                .register("watering", new WateringController(measurements, "soil", board.digitalOutput("pump"),
                        loop.clock(), DRY, WET, SOIL_PERIOD.multipliedBy(3)), Duration.ofMinutes(1))
                .register("alerts", alerts, PERIOD);
    }

    /**
     * Builds the greenhouse's controllers on {@code loop} for the devices of {@code board}; nothing runs until
     * {@link #start()}. {@code alertChannel} gets each alert's text, on the notifier's thread.
     */
    public static Greenhouse on(SimulatedBoard board, EventLoop loop, Set<Bug> bugs, Consumer<String> alertChannel) {
        Objects.requireNonNull(board, "board");
        Objects.requireNonNull(bugs, "bugs");
        Objects.requireNonNull(alertChannel, "alertChannel");
        return new Greenhouse(board, loop, bugs, alertChannel);
    }

    /** Starts every controller; completes on the loop once all have started. */
    public CompletableFuture<Void> start() {
        return runner.startAll();
    }

    /** Every controller's health, in the order they were registered; completes on the loop. */
    public CompletableFuture<Map<String, Health>> health() {
        return runner.healthCheckAll();
    }

    /**
     * Stops every controller (each switches its output off) and completes with the runner's report; then
     * {@link #close()} delivers the last alerts and stops the notifier. With {@link Bug#LOST} it closes the notifier
     * first, as a shutdown written in the order things were created would: the alert the alert controller sends as
     * it stops is then dropped by the closed notifier without a word.
     */
    public CompletableFuture<StopReport> stop() {
        if (bugs.contains(Bug.LOST)) {
            notifier.close();
        }
        return runner.stopAll();
    }

    /** Delivers the alerts still queued and stops the notifier's thread; call it after {@link #stop()}, off the loop. */
    public void close() {
        notifier.close();
    }

    /** The runner, for a controller's {@code state} or {@code healthCheck}. */
    public ControllerRunner runner() {
        return runner;
    }

    /** The latest value of every input. */
    public Measurements measurements() {
        return measurements;
    }

    /** Every alert raised or cleared so far. */
    List<AlertController.Alert> alerts() {
        return alerts.alerts();
    }

    /** The inputs whose alert is raised now. */
    public List<String> raisedAlerts() {
        return alerts.raisedNow();
    }

    /** Every alert text the notifier delivered. */
    public List<String> deliveredAlerts() {
        return notifier.delivered();
    }

    /** How many alert deliveries failed. */
    public long failedAlertDeliveries() {
        return alerts.failedDeliveries();
    }

    /** The heater's hysteresis in force, in C. */
    public double heaterHysteresis() {
        return heater.hysteresis();
    }

    /** The bug modes this greenhouse runs with. */
    public Set<Bug> bugs() {
        return bugs.isEmpty() ? EnumSet.noneOf(Bug.class) : EnumSet.copyOf(bugs);
    }

    /** The loop the controllers run on. */
    public EventLoop loop() {
        return loop;
    }
}
