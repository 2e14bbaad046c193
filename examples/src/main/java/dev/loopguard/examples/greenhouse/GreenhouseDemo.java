package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.ControllerRunner;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.Health;
import dev.loopguard.core.LoopClock;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.sim.GreenhousePlant;
import dev.loopguard.hardware.sim.Recorder;
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
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ClimateController} on the simulated greenhouse for a number of simulated hours and prints what happened.
 *
 * <pre>
 * mvn -q -pl examples -am install -DskipTests
 * mvn -q -pl examples exec:java -Dexec.args="--hours 24"             # virtual time: a day in well under a second
 * mvn -q -pl examples exec:java -Dexec.args="--hours 1 --real-time"  # the same code on the wall clock
 * mvn -q -pl examples exec:java -Dexec.args="--help"
 * </pre>
 * A bad argument prints what is wrong and the usage line to standard error, with exit status 2.
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

    static final String USAGE = "usage: GreenhouseDemo [--hours N] [--real-time] [--help]";
    static final String HELP = """
            Runs the climate controller on the simulated greenhouse (a cold night, a two-minute sensor dropout at
            3.5 h) and prints the air temperature each hour, how soon it reached the band, how often the heater
            switched, and the controller's health.

              --hours N      simulated hours to run, 1 to 8760 (default 24)
              --real-time    run on the wall clock instead of virtual time, printing a progress line every
                             twelfth of the run (at least every minute, at most every hour); without it a day
                             takes about a second
              --help         this text""";

    /** The exit status of a command line that cannot be run as given. */
    static final int USAGE_ERROR = 2;

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the demo as {@code main} does, printing to {@code out} and {@code err}; gives the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        int hours = 24;
        boolean realTime = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help":
                case "-h":
                    out.println(USAGE);
                    out.println();
                    out.println(HELP);
                    return 0;
                case "--hours":
                    if (i + 1 >= args.length) {
                        return usageError("--hours needs a value, a whole number of hours from 1 to 8760", err);
                    }
                    try {
                        hours = parseHours(args[++i]);
                    } catch (IllegalArgumentException e) {
                        return usageError(e.getMessage(), err);
                    }
                    break;
                case "--real-time":
                    realTime = true;
                    break;
                default:
                    return usageError("unknown argument '" + args[i] + "'", err);
            }
        }
        Duration total = Duration.ofHours(hours);
        print(run(total, realTime, progressInterval(total), out), out);
        return 0;
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
        throw new IllegalArgumentException("--hours must be a whole number from 1 to 8760, was '" + value + "'");
    }

    private static int usageError(String problem, PrintStream err) {
        err.println("GreenhouseDemo: " + problem);
        err.println(USAGE);
        return USAGE_ERROR;
    }

    /** A twelfth of the run, at least a minute and at most an hour: about a dozen lines, however long it runs. */
    static Duration progressInterval(Duration total) {
        Duration twelfth = total.dividedBy(12);
        Duration minute = Duration.ofMinutes(1);
        Duration hour = Duration.ofHours(1);
        return twelfth.compareTo(minute) < 0 ? minute : twelfth.compareTo(hour) > 0 ? hour : twelfth;
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
        Duration total = Duration.ofHours(hours);
        return run(total, realTime, progressInterval(total), null);
    }

    /**
     * Runs the demo for {@code total}; on the wall clock, prints a progress line to {@code progress} every
     * {@code progressEvery} (when {@code progress} is not null).
     */
    static Result run(Duration total, boolean realTime, Duration progressEvery, PrintStream progress) {
        int hours = (int) total.toHours();
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
            if (clock instanceof VirtualClock) {
                ((VirtualClock) clock).advanceBy(total);
            } else {
                waitRealTime(total, progressEvery, progress, loop, plant, board);
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

    /**
     * The demo's own main thread waits for wall-clock time to pass while the loop does the work, waking every
     * {@code every} to print where the run is. It reads the plant and the heater through the loop, so that printing
     * (a blocking call) never happens on the loop thread.
     */
    private static void waitRealTime(Duration total, Duration every, PrintStream progress, EventLoop loop,
                                     GreenhousePlant plant, SimulatedBoard board) {
        long start = System.nanoTime();
        long end = start + total.toNanos();
        long step = every.toNanos();
        try {
            for (long next = start + step; ; next += step) {
                long wake = next - end < 0 ? next : end;
                long wait = wake - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (progress != null) {
                    Duration elapsed = Duration.ofNanos(Math.min(System.nanoTime(), end) - start);
                    String now = loop.submit(() -> {
                        List<Recorder.State> heater = board.recorder().states("heater");
                        boolean on = !heater.isEmpty() && heater.get(heater.size() - 1).state();
                        return String.format(Locale.ROOT, "air %5.1f C  heater %s", plant.temperature(),
                                on ? "on" : "off");
                    }).join();
                    progress.println(clockText(elapsed) + " of " + clockText(total) + "  " + now);
                }
                if (wake == end) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code 0:05} for five minutes, {@code 23:00} for 23 hours. */
    static String clockText(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d", d.toHours(), d.toMinutesPart());
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
