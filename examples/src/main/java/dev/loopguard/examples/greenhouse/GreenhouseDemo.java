package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.Health;
import dev.loopguard.core.LoopClock;
import dev.loopguard.core.LoopStatistics;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Quantity;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link Greenhouse} on the simulated greenhouse of {@code greenhouse.yaml} for a number of simulated hours,
 * on virtual time (a day in seconds) or on the wall clock, and prints an aioctl-style status of its controllers.
 *
 * <pre>
 * mvn -B -ntp -q -pl examples -am package -DskipTests -Pgreenhouse    # with every bug mode, under the agent
 * java -cp ... dev.loopguard.examples.greenhouse.GreenhouseDemo --hours 24 --bugs blocking,stall
 * </pre>
 * A bad argument prints what is wrong and the usage line to standard error, with exit status 2.
 */
public final class GreenhouseDemo {

    static final String USAGE = "usage: GreenhouseDemo [--hours N] [--real-time] [--bugs MODE,...] [--help]";
    static final String HELP = """
            Runs the greenhouse's controllers (inputs for a DS18B20, a DHT22, an MH-Z19 and a soil probe; heater, fan,
            watering and alerts) on the simulated greenhouse: a cold night, a DHT22 that drops out for two minutes at
            5 h, a CO2 sensor that garbles one reply in a hundred. Prints the climate, the alerts and each
            controller's health and statistics.

              --hours N         simulated hours to run, 1 to 8760 (default 24)
              --real-time       run on the wall clock instead of virtual time, printing a progress line every
                                twelfth of the run (at least every minute, at most every hour); without it a day
                                takes a few seconds
              --bugs MODE,...   switch on mistakes for the Loopguard agent to find (default none; all for every one):
            %s
              --help            this text

            Run it under the agent to see them found:
              java -javaagent:loopguard-agent.jar=report=greenhouse.json,tasks=full,packages=dev.loopguard.examples \\
                -cp ... dev.loopguard.examples.greenhouse.GreenhouseDemo --bugs all""".formatted(bugLines());

    /** The exit status of a command line that cannot be run as given. */
    static final int USAGE_ERROR = 2;

    private GreenhouseDemo() {
    }

    /** What one run saw. */
    record Result(Set<Bug> bugs, Instant startedAt, Duration simulated, List<Double> hourlyTemperature, int minutesToReachBand,
                  double lowestAfterBand, double highestAfterBand, int heaterSwitches, double hysteresis,
                  int pumpRuns, double soilMoisture, double humidity, double co2, Map<String, Health> health,
                  List<AlertController.Alert> alerts, List<String> delivered, long failedDeliveries,
                  Duration realTime) {
    }

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
        Set<Bug> bugs = EnumSet.noneOf(Bug.class);
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
                case "--bugs":
                    if (i + 1 >= args.length) {
                        return usageError("--bugs needs a value, bug modes separated by commas from "
                                + Bug.options() + ", or all or none", err);
                    }
                    try {
                        bugs = Bug.parse(args[++i]);
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
        print(run(total, realTime, bugs, progressInterval(total), realTime ? out : null), out);
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

    private static String bugLines() {
        StringBuilder s = new StringBuilder();
        for (Bug bug : Bug.values()) {
            s.append(String.format(Locale.ROOT, "                    %-10s %s (%s)%n", bug.option(), bug.description(),
                    bug.findingKind()));
        }
        return s.toString().stripTrailing();
    }

    /** A twelfth of the run, at least a minute and at most an hour: about a dozen lines, however long it runs. */
    static Duration progressInterval(Duration total) {
        Duration twelfth = total.dividedBy(12);
        Duration minute = Duration.ofMinutes(1);
        Duration hour = Duration.ofHours(1);
        return twelfth.compareTo(minute) < 0 ? minute : twelfth.compareTo(hour) > 0 ? hour : twelfth;
    }

    /** The demo's scenario, {@code greenhouse.yaml} beside this class. */
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

    /**
     * Runs the greenhouse for {@code total}; on the wall clock, prints a progress line to {@code progress} every
     * {@code progressEvery} (when {@code progress} is not null).
     */
    static Result run(Duration total, boolean realTime, Set<Bug> bugs, Duration progressEvery, PrintStream progress) {
        long started = System.nanoTime();
        LoopClock clock = realTime ? LoopClock.system() : VirtualClock.create();
        Instant begin = clock.instant();
        EventLoop loop = EventLoop.builder().name("greenhouse").clock(clock).build();
        SimulatedBoard board = SimulatedBoard.start(scenario(), loop);
        try {
            GreenhousePlant plant = board.plant().orElseThrow();
            Greenhouse greenhouse = Greenhouse.on(board, loop, bugs, alert -> { });
            List<Double> perMinute = new ArrayList<>();
            loop.scheduleAtFixedRate(() -> perMinute.add(plant.temperature()), Duration.ZERO, Duration.ofMinutes(1));
            CompletableFuture<Void> start = greenhouse.start();
            if (clock instanceof VirtualClock virtual) {
                virtual.advanceBy(total);
            } else {
                waitRealTime(total, progressEvery, progress, loop, plant, board);
            }
            start.join();
            CompletableFuture<Map<String, Health>> health = greenhouse.health();
            idle(clock);
            Map<String, Health> healthNow = health.join();
            CompletableFuture<?> stopped = greenhouse.stop();
            idle(clock);
            stopped.join();
            greenhouse.close();

            List<Double> minutes = loop.submit(() -> new ArrayList<>(perMinute)).join();
            int hours = (int) total.toHours();
            List<Double> hourly = new ArrayList<>();
            for (int h = 0; h <= hours && h * 60 < minutes.size(); h++) {
                hourly.add(minutes.get(h * 60));
            }
            int reached = 0;
            while (reached < minutes.size() && minutes.get(reached) < Greenhouse.SETPOINT - Greenhouse.HYSTERESIS) {
                reached++;
            }
            List<Double> after = minutes.subList(Math.min(reached, minutes.size()), minutes.size());
            List<Recorder.State> heater = board.recorder().states("heater");
            List<Recorder.State> pump = board.recorder().states("pump");
            return new Result(greenhouse.bugs(), begin, total, hourly, reached,
                    after.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    after.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    Math.max(0, heater.size() - 1), greenhouse.heaterHysteresis(),
                    (int) pump.stream().filter(Recorder.State::state).count(),
                    value(greenhouse, "soil", Quantity.MOISTURE), value(greenhouse, "air", Quantity.HUMIDITY),
                    value(greenhouse, "co2", Quantity.CO2), healthNow, greenhouse.alerts(),
                    greenhouse.deliveredAlerts(), greenhouse.failedAlertDeliveries(),
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            board.close();
            loop.shutdownGracefully();
        }
    }

    private static void idle(LoopClock clock) {
        if (clock instanceof VirtualClock virtual) {
            virtual.runUntilIdle();
        }
    }

    private static double value(Greenhouse greenhouse, String input, Quantity quantity) {
        return greenhouse.measurements().latest(input, quantity).map(Measurements.Latest::value).orElse(Double.NaN);
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

    static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "greenhouse: %d h simulated in %.1f s of real time; bug modes: %s%n",
                r.simulated().toHours(), r.realTime().toMillis() / 1000.0, Bug.format(r.bugs()));
        out.printf(Locale.ROOT, "  air %.1f C: %.1f C reached after %d min, then %.1f to %.1f C; heater switched %d "
                        + "times, hysteresis now %.2f C%n",
                r.hourlyTemperature().get(r.hourlyTemperature().size() - 1),
                Greenhouse.SETPOINT - Greenhouse.HYSTERESIS, r.minutesToReachBand(), r.lowestAfterBand(),
                r.highestAfterBand(), r.heaterSwitches(), r.hysteresis());
        out.printf(Locale.ROOT, "  humidity %.0f %%, CO2 %.0f ppm, soil %.0f %%; the pump ran %d time%s%n",
                r.humidity(), r.co2(), r.soilMoisture(), r.pumpRuns(), r.pumpRuns() == 1 ? "" : "s");
        for (AlertController.Alert alert : r.alerts()) {
            out.printf(Locale.ROOT, "  %s %s: %s%n", clockText(Duration.between(r.startedAt(), alert.at())), alert.raised() ? "ALERT" : "cleared", alert.message());
        }
        out.printf(Locale.ROOT, "  the notifier delivered %d alert message(s)%s%n", r.delivered().size(),
                r.failedDeliveries() == 0 ? "" : ", " + r.failedDeliveries() + " failed");
        for (Health h : r.health().values()) {
            out.println(statusLine(h));
        }
    }

    /** One controller, aioctl-style: {@code ● heater: UP (ok), RUNNING; 2881 loops ...}. */
    static String statusLine(Health h) {
        LoopStatistics loops = h.loops();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "● %-9s %-8s %s loops, %d skipped, every %s, mean %.2f ms, max %.1f ms; %d failures",
                h.controller() + ":", h.status(), loops.count(), loops.skipped(),
                AlertController.text(h.period()), loops.mean().toNanos() / 1e6, loops.max().toNanos() / 1e6,
                h.failures()));
        if (h.status() != Health.Status.UP) {
            line.append(" (").append(h.reason()).append(')');
        }
        h.lastError().ifPresent(e -> line.append("; last: ").append(e.summary()));
        return line.toString();
    }
}
