package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.ControllerRunner;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.Health;
import dev.loopguard.core.LoopClock;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Recorder;
import dev.loopguard.hardware.sim.GreenhousePlant;
import dev.loopguard.hardware.sim.Scenario;
import dev.loopguard.hardware.sim.ScenarioFormat;
import dev.loopguard.hardware.sim.SimulatedBoard;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Runs {@link ClimateController} on the simulated greenhouse for a number of simulated hours and prints what happened.
 *
 * <pre>
 * mvn -q -pl examples -am install -DskipTests
 * mvn -q -pl examples exec:java -Dexec.args="--hours 24"             # virtual time: a day in well under a second
 * mvn -q -pl examples exec:java -Dexec.args="--hours 1 --real-time"  # the same code on the wall clock
 * </pre>
 */
public final class GreenhouseDemo {

    static final double SETPOINT = 20.0;
    static final double HYSTERESIS = 0.5;
    static final Duration PERIOD = Duration.ofSeconds(30);

    private GreenhouseDemo() {
    }

    /** What one run of the demo saw. */
    record Result(List<Double> hourlyTemperature, int minutesToReachBand, int heaterSwitches, Health health,
                  Duration realTime) {
    }

    public static void main(String[] args) {
        int hours = 24;
        boolean realTime = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hours":
                    if (i + 1 >= args.length) {
                        throw usage("--hours needs a value");
                    }
                    hours = parseHours(args[++i]);
                    break;
                case "--real-time":
                    realTime = true;
                    break;
                default:
                    throw usage("unknown argument '" + args[i] + "'");
            }
        }
        print(run(hours, realTime), System.out);
    }

    static int parseHours(String value) {
        try {
            int hours = Integer.parseInt(value);
            if (hours >= 1 && hours <= 24 * 365) {
                return hours;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage("--hours must be a whole number from 1 to 8760, was '" + value + "'");
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException("GreenhouseDemo: " + problem
                + ". Usage: GreenhouseDemo [--hours N] [--real-time]");
    }

    static Scenario scenario() {
        try (InputStream in = GreenhouseDemo.class.getResourceAsStream("greenhouse.yaml")) {
            if (in == null) {
                throw new IllegalStateException("greenhouse.yaml is missing from the examples jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Scenario.parse(text, ScenarioFormat.YAML, "greenhouse.yaml", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result run(int hours, boolean realTime) {
        long started = System.nanoTime();
        LoopClock clock = realTime ? LoopClock.system() : VirtualClock.create();
        EventLoop loop = EventLoop.builder().name("greenhouse").clock(clock).build();
        SimulatedBoard board = SimulatedBoard.start(scenario(), loop);
        try {
            GreenhousePlant plant = board.plant().orElseThrow();
            ClimateController climate = new ClimateController(board.sensor("air"), board.relay("heater"),
                    board.pwm("fan"), loop, SETPOINT, HYSTERESIS, Duration.ofSeconds(2));
            ControllerRunner runner = ControllerRunner.on(loop).register("climate", climate, PERIOD);

            List<Double> perMinute = new ArrayList<>();
            loop.scheduleAtFixedRate(() -> perMinute.add(plant.temperature()), Duration.ZERO, Duration.ofMinutes(1));
            CompletableFuture<Void> started1 = runner.startAll();
            Duration total = Duration.ofHours(hours);
            if (clock instanceof VirtualClock) {
                ((VirtualClock) clock).advanceBy(total);
            } else {
                sleepRealTime(total);
            }
            started1.join();
            CompletableFuture<Health> health = runner.healthCheck("climate");
            if (clock instanceof VirtualClock) {
                ((VirtualClock) clock).runUntilIdle();
            }
            Health finalHealth = health.join();
            CompletableFuture<?> stopped = runner.stopAll();
            if (clock instanceof VirtualClock) {
                ((VirtualClock) clock).runUntilIdle();
            }
            stopped.join();

            List<Double> snapshot = loop.submit(() -> new ArrayList<>(perMinute)).join();
            List<Double> hourly = new ArrayList<>();
            for (int h = 0; h <= hours && h * 60 < snapshot.size(); h++) {
                hourly.add(snapshot.get(h * 60));
            }
            int reached = 0;
            while (reached < snapshot.size() && snapshot.get(reached) < SETPOINT - HYSTERESIS) {
                reached++;
            }
            List<Recorder.State> switches = board.recorder().states("heater");
            return new Result(hourly, reached, Math.max(0, switches.size() - 1), finalHealth,
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            board.close();
            loop.shutdownGracefully();
        }
    }

    private static void sleepRealTime(Duration total) {
        // The demo's own main thread waits for wall-clock time to pass; the loop does the work.
        try {
            Thread.sleep(total.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void print(Result result, PrintStream out) {
        out.println("hour  air temperature");
        for (int h = 0; h < result.hourlyTemperature().size(); h++) {
            out.printf(Locale.ROOT, "%4d  %5.1f C%n", h, result.hourlyTemperature().get(h));
        }
        out.printf(Locale.ROOT, "reached %.1f C after %d min; heater switched %d times; "
                        + "simulated %d h in %d ms of real time%n",
                SETPOINT - HYSTERESIS, result.minutesToReachBand(), result.heaterSwitches(),
                result.hourlyTemperature().size() - 1, result.realTime().toMillis());
        out.println("controller health: " + result.health().toJson());
    }
}
