package dev.loopguard.examples.greenhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.Health;
import dev.loopguard.core.StopReport;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.sim.GreenhousePlant;
import dev.loopguard.hardware.sim.Recorder;
import dev.loopguard.hardware.sim.Scenario;
import dev.loopguard.hardware.sim.ScenarioFormat;
import dev.loopguard.hardware.sim.SimulatedBoard;
import dev.loopguard.harness.Findings;
import dev.loopguard.harness.Loopguard;
import dev.loopguard.harness.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hardware in the loop, without the hardware: the greenhouse's controllers on the simulated plant, on virtual time,
 * with the Loopguard agent watching (a finding fails the test that caused it).
 *
 * <p>The plant here is the demo's, with a constant 8 C outside so that the heater's timing follows from its physics
 * alone: with the heater on, the air approaches {@code 8 + 18 = 26} C with a time constant of 20 minutes.
 */
@Loopguard
@VirtualTime
class GreenhouseHilTest {

    private static final double AMBIENT = 8.0;
    private static final double HEATER_RISE = 18.0;
    private static final double INITIAL = 9.0;
    private static final double TAU_MINUTES = 20.0;
    /** The DS18B20's 12-bit conversion. */
    private static final double CONVERSION_SECONDS = 0.75;
    /** The scenario's sensor noise: three sigma, plus one step of the DS18B20's 0.0625 C resolution. */
    private static final double NOISE = 3 * 0.05 + 0.0625;

    private SimulatedBoard board;
    private Greenhouse greenhouse;

    @AfterEach
    void stopTheGreenhouse(VirtualClock clock) {
        if (greenhouse != null) {
            CompletableFuture<StopReport> stopped = greenhouse.stop();
            clock.runUntilIdle();
            assertThat(stopped.join().isClean()).as("every controller stopped cleanly").isTrue();
            clock.advanceBy(Duration.ofSeconds(10));        // reads still converting complete
            greenhouse.close();
        }
        if (board != null) {
            board.close();
        }
    }

    @Test
    @DisplayName("the heater brings the air to 19.5 C in the time the plant allows, and holds 20 C within a band set "
            + "by the plant's slopes, without the swing growing")
    void heaterReachesTheSetpointAndHoldsIt(VirtualClock clock, EventLoop loop) {
        List<double[]> air = new ArrayList<>();                  // {minutes, temperature}, every 10 s
        start(clock, loop, 40, "");
        GreenhousePlant plant = board.plant().orElseThrow();
        loop.scheduleAtFixedRate(() -> air.add(new double[] {minutes(clock), plant.temperature()}), Duration.ZERO,
                Duration.ofSeconds(10));

        clock.advanceBy(Greenhouse.RETUNE_EVERY.minusMinutes(1));   // before the first re-tune changes the band

        double low = Greenhouse.SETPOINT - Greenhouse.HYSTERESIS;
        double high = Greenhouse.SETPOINT + Greenhouse.HYSTERESIS;
        // The heater's first decision: its iteration at 0 s has no reading yet (the conversion takes 0.75 s), the one
        // at 30 s switches it on. The air cooled towards 8 C until then, and then follows
        // T(t) = Teq + (T0 - Teq) e^(-t/tau) with Teq = 26 C: it reaches 19.5 C after tau ln((Teq - T0)/(Teq - 19.5)).
        double onAt = Greenhouse.PERIOD.toSeconds() / 60.0;
        double atSwitchOn = AMBIENT + (INITIAL - AMBIENT) * Math.exp(-onAt / TAU_MINUTES);
        double teq = AMBIENT + HEATER_RISE;
        double expected = onAt + TAU_MINUTES * Math.log((teq - atSwitchOn) / (teq - low));
        double reached = air.stream().filter(s -> s[1] >= low).findFirst().orElseThrow()[0];
        assertThat(reached).as("minutes to reach %.1f C; the plant allows %.2f", low, expected)
                .isBetween(expected, expected + 10 / 60.0 + 1e-9);

        // Holding: a switch happens at most one period after the reading that asks for it, which was taken up to a
        // period after the air crossed the threshold. Over that time the air moves at most by the plant's slope there:
        // above the band while heating, (Teq - high) / tau per minute; below it while cooling, (low - 8) / tau.
        double delay = (2 * Greenhouse.PERIOD.toSeconds() + CONVERSION_SECONDS) / 60.0;
        double overshoot = (teq - high) / TAU_MINUTES * delay;
        double undershoot = (low - AMBIENT) / TAU_MINUTES * delay;
        List<double[]> holding = air.stream().filter(s -> s[0] >= reached).toList();
        assertThat(holding).allSatisfy(s -> assertThat(s[1]).as("air at %.1f min", s[0])
                .isBetween(low - undershoot - NOISE, high + overshoot + NOISE));
        double secondHour = swing(holding, 60, 120);
        double lastHour = swing(holding, 300 - 60, 300);
        assertThat(lastHour).as("the swing in the last hour against the second hour (%.2f C)", secondHour)
                .isLessThanOrEqualTo(secondHour + 0.2);
        List<Recorder.State> heater = transitions(board.recorder().states("heater"));
        for (int i = 1; i < heater.size(); i++) {
            assertThat(heater.get(i).at().minus(heater.get(i - 1).at()))
                    .as("the heater switches no faster than it decides").isGreaterThanOrEqualTo(Greenhouse.PERIOD);
        }
    }

    @Test
    @DisplayName("the pump starts when the soil is drier than 30 %, stops once it is wetter than 45 %, and stays off "
            + "while it is wet")
    void pumpRunsWhenDryAndStopsWhenWet(VirtualClock clock, EventLoop loop) {
        List<double[]> soil = new ArrayList<>();                  // {minutes, moisture, pump}
        start(clock, loop, 25, "");
        GreenhousePlant plant = board.plant().orElseThrow();
        loop.scheduleAtFixedRate(() -> soil.add(new double[] {minutes(clock), plant.soilMoisture(),
                pumpOn() ? 1 : 0}), Duration.ZERO, Duration.ofSeconds(10));

        clock.advanceBy(Duration.ofHours(3));

        List<Recorder.State> pump = transitions(board.recorder().states("pump"));
        assertThat(pump).extracting(Recorder.State::state).containsExactly(false, true, false);
        double onAt = pump.get(1).at().toSeconds() / 60.0;
        double offAt = pump.get(2).at().toSeconds() / 60.0;
        // The watering controller runs every minute; its first run has no reading yet, the one at 1 min has.
        assertThat(onAt).isEqualTo(1.0);
        assertThat(moistureAt(soil, onAt)).isLessThan(Greenhouse.DRY);
        // It stops at its first run after a reading above 45 %; the soil probe is read every 5 min, and the pump
        // adds 2 % a minute, so it stops between 45 % and 45 + 2 x (5 + 1) %.
        assertThat(moistureAt(soil, offAt)).isBetween(Greenhouse.WET, Greenhouse.WET + 2 * 6);
        assertThat(soil.stream().filter(s -> s[0] > offAt)).allSatisfy(s -> {
            assertThat(s[1]).isGreaterThan(Greenhouse.DRY);
            assertThat(s[2]).as("pump at %.1f min", s[0]).isZero();
        });
    }

    @Test
    @DisplayName("with the soil wet, the pump never runs")
    void pumpStaysOffWhileWet(VirtualClock clock, EventLoop loop) {
        start(clock, loop, 60, "");

        clock.advanceBy(Duration.ofHours(3));

        assertThat(transitions(board.recorder().states("pump"))).extracting(Recorder.State::state)
                .containsExactly(false);
    }

    @Test
    @DisplayName("a DHT22 that disconnects makes its input DEGRADED and raises an alert; on reconnect the input is UP "
            + "again and the alert is cleared")
    void dht22DisconnectDegradesAndRecovers(VirtualClock clock, EventLoop loop) {
        start(clock, loop, 40, "{type: disconnect, at: 1h, duration: 3m}");

        clock.advanceBy(Duration.ofHours(1).plusSeconds(150));
        Health during = health(clock, "air");
        assertThat(during.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(during.consecutiveFailures()).isBetween(2L, (long) Greenhouse.FAILURES_UNTIL_DOWN - 1);
        assertThat(during.lastError().orElseThrow().summary()).contains("sensor 'air' (dht22)");
        assertThat(greenhouse.raisedAlerts()).containsExactly("air");
        assertThat(health(clock, "heater").status()).as("the heater follows the DS18B20").isEqualTo(Health.Status.UP);

        clock.advanceBy(Duration.ofMinutes(10));
        Health after = health(clock, "air");
        assertThat(after.status()).isEqualTo(Health.Status.UP);
        assertThat(after.consecutiveFailures()).isZero();
        assertThat(after.failures()).as("the reads until the reconnect at 1:03").isBetween(during.failures(),
                during.failures() + 2);
        assertThat(greenhouse.raisedAlerts()).isEmpty();
        assertThat(greenhouse.alerts()).extracting(AlertController.Alert::input, AlertController.Alert::raised)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("air", true),
                        org.assertj.core.groups.Tuple.tuple("air", false));

        CompletableFuture<StopReport> stopped = greenhouse.stop();
        clock.runUntilIdle();
        stopped.join();
        clock.advanceBy(Duration.ofSeconds(10));
        greenhouse.close();
        assertThat(greenhouse.deliveredAlerts()).hasSize(3);
        assertThat(greenhouse.deliveredAlerts().get(0)).startsWith("ALERT input 'air' has given no value for");
        assertThat(greenhouse.deliveredAlerts().get(1)).isEqualTo("cleared input 'air' answers again");
        greenhouse = null;
    }

    @Test
    @DisplayName("a day of the demo greenhouse in correct mode: every controller UP, and not one Loopguard finding")
    void correctModeHasNoFindings(VirtualClock clock, EventLoop loop, Findings findings) {
        board = SimulatedBoard.start(GreenhouseDemo.scenario(), loop);
        greenhouse = Greenhouse.on(board, loop, Set.of(), message -> { });
        CompletableFuture<Void> started = greenhouse.start();

        clock.advanceBy(Duration.ofDays(1));

        assertThat(started).isCompleted();
        CompletableFuture<java.util.Map<String, Health>> health = greenhouse.health();
        clock.runUntilIdle();
        assertThat(health.join()).allSatisfy((name, h) -> assertThat(h.status()).as(name)
                .isEqualTo(Health.Status.UP));
        assertThat(greenhouse.heaterHysteresis()).as("re-tuned off the loop")
                .isNotEqualTo(Greenhouse.HYSTERESIS);
        findings.assertThat().isEmpty();
    }

    private void start(VirtualClock clock, EventLoop loop, double soilMoisture, String dhtFaults) {
        board = SimulatedBoard.start(Scenario.parse(scenario(soilMoisture, dhtFaults), ScenarioFormat.YAML,
                "hil.yaml", null), loop);
        greenhouse = Greenhouse.on(board, loop, Set.of(), message -> { });
        CompletableFuture<Void> started = greenhouse.start();
        clock.runUntilIdle();
        started.join();
    }

    private Health health(VirtualClock clock, String controller) {
        CompletableFuture<Health> health = greenhouse.runner().healthCheck(controller);
        clock.runUntilIdle();
        return health.join();
    }

    private boolean pumpOn() {
        List<Recorder.State> pump = board.recorder().states("pump");
        return !pump.isEmpty() && pump.get(pump.size() - 1).state();
    }

    private static double minutes(VirtualClock clock) {
        return Duration.between(java.time.Instant.parse("2026-01-01T00:00:00Z"), clock.instant()).toMillis() / 60000.0;
    }

    private static double moistureAt(List<double[]> samples, double minute) {
        return samples.stream().filter(s -> s[0] >= minute).findFirst().orElseThrow()[1];
    }

    /** Peak to peak of the samples between two minutes. */
    private static double swing(List<double[]> samples, double from, double to) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] s : samples) {
            if (s[0] >= from && s[0] < to) {
                min = Math.min(min, s[1]);
                max = Math.max(max, s[1]);
            }
        }
        return max - min;
    }

    /** The levels, without repeats of the same level. */
    private static List<Recorder.State> transitions(List<Recorder.State> states) {
        List<Recorder.State> out = new ArrayList<>();
        for (Recorder.State s : states) {
            if (out.isEmpty() || out.get(out.size() - 1).state() != s.state()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The demo's devices on a plant with a constant 8 C outside; the DHT22 with the faults given. */
    private static String scenario(double soilMoisture, String dhtFaults) {
        return String.format(Locale.ROOT, """
                name: hil
                seed: 7
                plant:
                  ambientTemperature: %s
                  ambientHumidity: 60
                  initialTemperature: %s
                  initialHumidity: 60
                  initialSoilMoisture: %s
                  timeConstant: 20m
                  heaterRise: %s
                  fanFactor: 3
                  humidityTimeConstant: 10m
                  foggerRise: 30
                  soilDryingTimeConstant: 36h
                  pumpRate: 2
                devices:
                  - id: air-probe
                    type: ds18b20
                    pin: 4
                    channels:
                      temperature:
                        signal: {type: plant}
                        noise: {gaussian: 0.05, resolution: 0.0625}
                  - id: air
                    type: dht22
                    pin: 24
                    crcErrorRate: 0
                    faults: [%s]
                  - id: co2
                    type: mhz19
                    port: /dev/serial0
                  - id: soil
                    type: soil-moisture
                    address: 0x48
                    channel: 0
                  - id: heater
                    type: relay
                    pin: 17
                    drives: heater
                  - id: fan
                    type: pwm
                    pin: 18
                    drives: fan
                  - id: pump
                    type: digital-output
                    pin: 27
                    drives: pump
                """, AMBIENT, INITIAL, soilMoisture, HEATER_RISE, dhtFaults);
    }
}
