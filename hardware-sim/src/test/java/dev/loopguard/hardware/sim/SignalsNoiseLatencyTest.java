package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SignalsNoiseLatencyTest {
    private static final LatencySpec ONE_MS = new LatencySpec.Fixed(ofMillis(1));

    /** A thermometer that shows {@code signal} exactly, answering in 1 ms. */
    private static DeviceSpec.SensorSpec probe(SignalSpec signal, NoiseSpec noise) {
        return DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null)
                .withChannel(Quantity.TEMPERATURE, signal, noise).withLatency(ONE_MS);
    }

    /** The value shown at exactly {@code t} after the start. */
    private static double valueAt(Sim sim, Sensor sensor, Duration t) {
        sim.advanceTo(t.minus(ofMillis(1)));
        return sim.read(sensor, ofMillis(1)).value(Quantity.TEMPERATURE);
    }

    private static double[] valuesAt(SignalSpec signal, Duration... times) {
        try (Sim sim = Sim.of(probe(signal, NoiseSpec.NONE))) {
            Sensor s = sim.board.sensor("probe");
            return Arrays.stream(times).mapToDouble(t -> valueAt(sim, s, t)).toArray();
        }
    }

    @Test
    @DisplayName("a constant signal reads the same value all day")
    void constant() {
        assertThat(valuesAt(new SignalSpec.Constant(21.5), ofMillis(1), ofHours(12), ofHours(24)))
                .containsExactly(21.5, 21.5, 21.5);
    }

    @Test
    @DisplayName("a daily sine peaks a quarter period after its zero crossing")
    void sine() {
        double[] v = valuesAt(new SignalSpec.Sine(15, 5, ofHours(24), Duration.ZERO),
                ofHours(6), ofHours(12), ofHours(18), ofHours(30));
        assertThat(v[0]).isCloseTo(20, within(1e-9));
        assertThat(v[1]).isCloseTo(15, within(1e-9));
        assertThat(v[2]).isCloseTo(10, within(1e-9));
        assertThat(v[3]).isCloseTo(20, within(1e-9));
    }

    @Test
    @DisplayName("a random walk moves, stays within its bounds and repeats with the same seed")
    void randomWalk() {
        SignalSpec walk = new SignalSpec.RandomWalk(20, 0.5, 18, 22);
        Duration[] times = new Duration[500];
        for (int i = 0; i < times.length; i++) {
            times[i] = ofMinutes(i + 1);
        }
        double[] a = valuesAt(walk, times);
        double[] b = valuesAt(walk, times);
        assertThat(a).containsExactly(b);
        assertThat(Arrays.stream(a).min().orElseThrow()).isGreaterThanOrEqualTo(18);
        assertThat(Arrays.stream(a).max().orElseThrow()).isLessThanOrEqualTo(22);
        assertThat(Arrays.stream(a).distinct().count()).isGreaterThan(400);
        double maxStep = 0;
        for (int i = 1; i < a.length; i++) {
            maxStep = Math.max(maxStep, Math.abs(a[i] - a[i - 1]));
        }
        assertThat(maxStep).as("per-minute steps have sd 0.5").isLessThan(3);
    }

    @Test
    @DisplayName("a step switches at its time and a ramp interpolates over its duration")
    void stepAndRamp() {
        assertThat(valuesAt(new SignalSpec.Step(10, 30, ofMinutes(10)), ofMinutes(9), ofMinutes(10), ofHours(1)))
                .containsExactly(10, 30, 30);
        assertThat(valuesAt(new SignalSpec.Ramp(10, 20, ofMinutes(10), ofMinutes(20)),
                ofMinutes(5), ofMinutes(15), ofMinutes(20), ofMinutes(30), ofHours(2)))
                .containsExactly(10, 12.5, 15, 20, 20);
    }

    @Test
    @DisplayName("a replay from CSV interpolates between points and can loop")
    void replay(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "time,temperature\n0s,10\n60s,20\n2m,15\n");
        SignalSpec.Replay once = SignalSpec.Replay.fromCsv(csv, "t.csv", false);
        assertThat(valuesAt(once, ofSeconds(30), ofSeconds(90), ofMinutes(10))).containsExactly(15, 17.5, 15);
        SignalSpec.Replay looped = SignalSpec.Replay.fromCsv(csv, "t.csv", true);
        assertThat(valuesAt(looped, ofSeconds(150), ofSeconds(210))).containsExactly(15, 17.5);
    }

    @Test
    @DisplayName("a bad replay row is reported with its file and line")
    void badReplayRow(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "time,value\n0s,1\n10s,abc\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SignalSpec.Replay.fromCsv(csv, "bad.csv", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(csv + ":3: value must be a number, was 'abc'");
    }

    @Test
    @DisplayName("a sequence switches between signals on its timeline")
    void sequence() {
        SignalSpec seq = new SignalSpec.Sequence(List.of(
                new SignalSpec.Sequence.Segment(Duration.ZERO, new SignalSpec.Constant(1)),
                new SignalSpec.Sequence.Segment(ofMinutes(10), new SignalSpec.Ramp(0, 100, Duration.ZERO, ofHours(1))),
                new SignalSpec.Sequence.Segment(ofMinutes(30), new SignalSpec.Constant(3))));
        assertThat(valuesAt(seq, ofMinutes(5), ofMinutes(15), ofMinutes(45))).containsExactly(1, 25, 3);
    }

    @Test
    @DisplayName("Gaussian noise has the configured spread around the true value")
    void gaussianNoise() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20), new NoiseSpec(0.5, 0, 0)))) {
            Sensor s = sim.board.sensor("probe");
            double sum = 0;
            double sumSq = 0;
            int n = 4000;
            for (int i = 0; i < n; i++) {
                double v = sim.read(s, ofMillis(1)).value(Quantity.TEMPERATURE);
                sum += v;
                sumSq += v * v;
            }
            double mean = sum / n;
            double sd = Math.sqrt(sumSq / n - mean * mean);
            assertThat(mean).isCloseTo(20, within(0.05));
            assertThat(sd).isCloseTo(0.5, within(0.04));
        }
    }

    @Test
    @DisplayName("drift adds an offset growing with time, and resolution quantises")
    void driftAndResolution() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20.1), new NoiseSpec(0, 0.5, 0.25)))) {
            Sensor s = sim.board.sensor("probe");
            assertThat(valueAt(sim, s, ofMillis(1))).isEqualTo(20.0);
            assertThat(valueAt(sim, s, ofHours(4))).isEqualTo(22.0);
            assertThat(valueAt(sim, s, ofHours(5))).isEqualTo(22.5);
        }
    }

    private static List<Long> latenciesMillis(LatencySpec latency, int reads, Duration bound) {
        DeviceSpec.SensorSpec spec = probe(new SignalSpec.Constant(1), NoiseSpec.NONE).withLatency(latency);
        try (Sim sim = Sim.of(spec)) {
            Sensor s = sim.board.sensor("probe");
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < reads; i++) {
                var started = sim.clock.instant();
                CompletionStage<Reading> stage = s.read();
                sim.advance(bound);
                out.add(Duration.between(started, Sim.done(stage).timestamp()).toNanos() / 1_000);
            }
            return out;
        }
    }

    @Test
    @DisplayName("fixed latency completes exactly at its value")
    void fixedLatency() {
        assertThat(latenciesMillis(new LatencySpec.Fixed(ofMillis(42)), 10, ofSeconds(1))).containsOnly(42_000L);
    }

    @Test
    @DisplayName("uniform latency spreads over its whole range and never leaves it")
    void uniformLatency() {
        List<Long> us = latenciesMillis(new LatencySpec.Uniform(ofMillis(100), ofMillis(200)), 1000, ofSeconds(1));
        assertThat(us).allSatisfy(v -> assertThat(v).isBetween(100_000L, 200_000L));
        assertThat(us.stream().filter(v -> v < 150_000).count()).isBetween(400L, 600L);
    }

    @Test
    @DisplayName("normal latency centres on its mean")
    void normalLatency() {
        List<Long> us = latenciesMillis(new LatencySpec.Normal(ofMillis(100), ofMillis(10)), 1000, ofSeconds(1));
        double mean = us.stream().mapToLong(Long::longValue).average().orElseThrow();
        assertThat(mean).isCloseTo(100_000, within(1_500.0));
        assertThat(us).allSatisfy(v -> assertThat(v).isBetween(50_000L, 150_000L));
    }

    @Test
    @DisplayName("long-tail latency has its median and about 1 % of reads beyond its p99")
    void longTailLatency() {
        List<Long> us = latenciesMillis(new LatencySpec.LongTail(ofMillis(20), ofMillis(500)), 3000, ofSeconds(30));
        List<Long> sorted = us.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() / 2)).isBetween(17_000L, 23_000L);
        long beyond = us.stream().filter(v -> v > 500_000).count();
        assertThat(beyond).isBetween(10L, 60L);
    }
}
