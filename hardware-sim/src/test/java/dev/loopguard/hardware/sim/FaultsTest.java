package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import dev.loopguard.hardware.SensorException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FaultsTest {

    /** A DS18B20 reading {@code signal} exactly, in 10 ms, with {@code faults}. */
    private static DeviceSpec.SensorSpec probe(SignalSpec signal, FaultSpec... faults) {
        DeviceSpec.SensorSpec s = DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null)
                .withChannel(Quantity.TEMPERATURE, signal, NoiseSpec.NONE)
                .withLatency(new LatencySpec.Fixed(ofMillis(10)));
        for (FaultSpec f : faults) {
            s = s.withFault(f);
        }
        return s;
    }

    private static FaultSpec fault(FaultSpec.Type type, Duration at, Duration duration, Double probability,
                                   List<Quantity> channels, Double value, Double magnitude, Double rate) {
        return new FaultSpec(type, at, duration, probability, channels, value, magnitude, rate, null, null);
    }

    private static CompletableFuture<Reading> readAt(Sim sim, Sensor s, Duration t) {
        sim.advanceTo(t);
        CompletionStage<Reading> stage = s.read();
        sim.advance(ofMillis(10));
        return stage.toCompletableFuture();
    }

    private static SensorException.Kind failureKind(CompletableFuture<Reading> f) {
        assertThat(f).isCompletedExceptionally();
        Throwable cause = f.handle((r, e) -> e).join();
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(SensorException.class);
        return ((SensorException) cause).kind();
    }

    @Test
    @DisplayName("a timeout fault leaves the read pending; a blocking read gives up after its timeout")
    void timeout() throws Exception {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20),
                FaultSpec.scripted(FaultSpec.Type.TIMEOUT, ofSeconds(10), ofSeconds(5))))) {
            Sensor s = sim.board.sensor("probe");
            assertThat(readAt(sim, s, ofSeconds(5))).isCompleted();
            CompletableFuture<Reading> hung = readAt(sim, s, ofSeconds(11));
            sim.advance(ofHours(1));
            assertThat(hung).isNotDone();
            assertThat(readAt(sim, s, ofHours(2))).isCompleted();
            s.close();
            assertThat(hung).isCompletedExceptionally();
        }
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20),
                FaultSpec.scripted(FaultSpec.Type.TIMEOUT, Duration.ZERO, null)))) {
            Sensor s = sim.board.sensor("probe");
            CompletableFuture<Throwable> blocking = new CompletableFuture<>();
            Thread controller = new Thread(() -> {
                try {
                    s.readBlocking(ofSeconds(3));
                    blocking.complete(null);
                } catch (RuntimeException e) {
                    blocking.complete(e);
                }
            }, "controller");
            controller.start();
            org.awaitility.Awaitility.await().atMost(ofSeconds(10))
                    .until(() -> controller.getState() == Thread.State.WAITING);
            sim.advance(ofMillis(2_999));
            assertThat(blocking).isNotDone();
            sim.advance(ofMillis(1));
            Throwable failure = blocking.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(SensorException.class)
                    .hasMessageStartingWith("sensor 'probe' (ds18b20) did not answer within 3s (blocking read on "
                            + "controller)");
            assertThat(((SensorException) failure).kind()).isEqualTo(SensorException.Kind.TIMEOUT);
        }
    }

    @Test
    @DisplayName("I/O and CRC errors fail the read with their kind; random ones hit about their probability")
    void ioAndCrcErrors() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20),
                FaultSpec.scripted(FaultSpec.Type.IO_ERROR, ofSeconds(10), ofSeconds(10)),
                FaultSpec.scripted(FaultSpec.Type.CRC_ERROR, ofSeconds(30), ofSeconds(10))))) {
            Sensor s = sim.board.sensor("probe");
            assertThat(failureKind(readAt(sim, s, ofSeconds(15)))).isEqualTo(SensorException.Kind.IO_ERROR);
            assertThat(readAt(sim, s, ofSeconds(25))).isCompletedWithValueMatching(
                    r -> r.value(Quantity.TEMPERATURE) == 20);
            assertThat(failureKind(readAt(sim, s, ofSeconds(35)))).isEqualTo(SensorException.Kind.CRC_ERROR);
            assertThat(sim.board.recorder().events("probe", RecordedEvent.Kind.ERROR))
                    .extracting(RecordedEvent::name).containsExactly("io_error", "crc_error");
        }
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20), FaultSpec.random(FaultSpec.Type.IO_ERROR, 0.3)))) {
            Sensor s = sim.board.sensor("probe");
            int failed = 0;
            for (int i = 1; i <= 1000; i++) {
                if (readAt(sim, s, ofSeconds(i)).isCompletedExceptionally()) {
                    failed++;
                }
            }
            assertThat(failed).isBetween(250, 350);
        }
    }

    @Test
    @DisplayName("a stuck sensor repeats the last value it read before the fault")
    void stuck() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Ramp(0, 100, Duration.ZERO, ofSeconds(100)),
                FaultSpec.scripted(FaultSpec.Type.STUCK, ofSeconds(20), ofSeconds(30))))) {
            Sensor s = sim.board.sensor("probe");
            double before = readAt(sim, s, ofSeconds(10)).join().value(Quantity.TEMPERATURE);
            assertThat(readAt(sim, s, ofSeconds(25)).join().value(Quantity.TEMPERATURE)).isEqualTo(before);
            assertThat(readAt(sim, s, ofSeconds(45)).join().value(Quantity.TEMPERATURE)).isEqualTo(before);
            assertThat(readAt(sim, s, ofSeconds(60)).join().value(Quantity.TEMPERATURE)).isCloseTo(60, within(0.1));
        }
    }

    @Test
    @DisplayName("NaN and sentinel faults replace values; a DS18B20 sentinel defaults to 85 C")
    void nanAndSentinel() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20),
                FaultSpec.scripted(FaultSpec.Type.NAN, ofSeconds(10), ofSeconds(5)),
                fault(FaultSpec.Type.SENTINEL, ofSeconds(20), ofSeconds(5), null, null, -127.0, null, null),
                FaultSpec.scripted(FaultSpec.Type.SENTINEL, ofSeconds(30), ofSeconds(5))))) {
            Sensor s = sim.board.sensor("probe");
            assertThat(readAt(sim, s, ofSeconds(11)).join().value(Quantity.TEMPERATURE)).isNaN();
            assertThat(readAt(sim, s, ofSeconds(21)).join().value(Quantity.TEMPERATURE)).isEqualTo(-127);
            assertThat(readAt(sim, s, ofSeconds(31)).join().value(Quantity.TEMPERATURE)).isEqualTo(85);
            assertThat(readAt(sim, s, ofSeconds(41)).join().value(Quantity.TEMPERATURE)).isEqualTo(20);
        }
    }

    @Test
    @DisplayName("spikes jump by their magnitude in either direction")
    void spikes() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20),
                fault(FaultSpec.Type.SPIKE, null, null, 0.5, null, null, 10.0, null)))) {
            Sensor s = sim.board.sensor("probe");
            int up = 0;
            int down = 0;
            int clean = 0;
            for (int i = 1; i <= 400; i++) {
                double v = readAt(sim, s, ofSeconds(i)).join().value(Quantity.TEMPERATURE);
                assertThat(v).isIn(10.0, 20.0, 30.0);
                up += v == 30 ? 1 : 0;
                down += v == 10 ? 1 : 0;
                clean += v == 20 ? 1 : 0;
            }
            assertThat(up).isBetween(60, 140);
            assertThat(down).isBetween(60, 140);
            assertThat(clean).isBetween(160, 240);
        }
    }

    @Test
    @DisplayName("a disconnected DS18B20 fails reads, reconnects when the window closes and first reads 85 C")
    void disconnectAndReconnect() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20),
                FaultSpec.scripted(FaultSpec.Type.DISCONNECT, ofMinutes(10), ofSeconds(30))))) {
            Sensor s = sim.board.sensor("probe");
            assertThat(readAt(sim, s, ofMinutes(9)).join().value(Quantity.TEMPERATURE)).isEqualTo(20);
            assertThat(failureKind(readAt(sim, s, ofMinutes(10)))).isEqualTo(SensorException.Kind.DISCONNECTED);
            assertThat(failureKind(readAt(sim, s, ofSeconds(629)))).isEqualTo(SensorException.Kind.DISCONNECTED);
            assertThat(readAt(sim, s, ofSeconds(631)).join().value(Quantity.TEMPERATURE)).isEqualTo(85);
            assertThat(readAt(sim, s, ofSeconds(632)).join().value(Quantity.TEMPERATURE)).isEqualTo(20);
        }
    }

    @Test
    @DisplayName("a partial read drops the missing channel from the reading")
    void partial() {
        DeviceSpec.SensorSpec bme = DeviceSpec.SensorSpec.of("env", SensorModel.BME280, null)
                .withFault(fault(FaultSpec.Type.PARTIAL, Duration.ZERO, null, null, List.of(Quantity.HUMIDITY),
                        null, null, null));
        try (Sim sim = Sim.of(bme)) {
            Reading r = sim.read(sim.board.sensor("env"), ofMillis(10));
            assertThat(r.measurements()).extracting(m -> m.quantity())
                    .containsExactly(Quantity.TEMPERATURE, Quantity.PRESSURE);
            assertThat(r.find(Quantity.HUMIDITY)).isEmpty();
            assertThatThrownBy(() -> r.value(Quantity.HUMIDITY)).isInstanceOf(NoSuchElementException.class)
                    .hasMessageStartingWith("reading of 'env' has no humidity channel; channels present: "
                            + "[temperature, pressure]");
        }
    }

    @Test
    @DisplayName("degradation drifts values away from the truth at its rate from its start")
    void degradation() {
        try (Sim sim = Sim.of(probe(new SignalSpec.Constant(20),
                fault(FaultSpec.Type.DEGRADATION, ofHours(1), null, null, null, null, null, -1.5)))) {
            Sensor s = sim.board.sensor("probe");
            assertThat(readAt(sim, s, ofMinutes(30)).join().value(Quantity.TEMPERATURE)).isEqualTo(20);
            assertThat(readAt(sim, s, ofHours(3)).join().value(Quantity.TEMPERATURE)).isCloseTo(17, within(0.07));
        }
    }

    @Test
    @DisplayName("at t=10 min the DHT22 of a YAML scenario disconnects for 30 s, and the recorder shows it")
    void scriptedDisconnectFromScenario() {
        String yaml = """
                name: dht-outage
                seed: 7
                devices:
                  - id: dht
                    type: dht22
                    pin: 4
                    crcErrorRate: 0
                    faults:
                      - {type: disconnect, at: 10m, duration: 30s}
                """;
        Scenario scenario = Scenario.parse(yaml, ScenarioFormat.YAML, "dht-outage.yaml", null);
        try (Sim sim = new Sim(scenario)) {
            Sensor dht = sim.board.sensor("dht");
            int failed = 0;
            for (int i = 1; i <= 20 * 12; i++) {
                CompletionStage<Reading> stage = dht.read();
                sim.advance(ofSeconds(5));
                if (stage.toCompletableFuture().isCompletedExceptionally()) {
                    failed++;
                }
            }
            assertThat(failed).isEqualTo(6);
            assertThat(sim.board.recorder().events("dht", RecordedEvent.Kind.ERROR))
                    .allSatisfy(e -> assertThat(e.at()).isBetween(ofMinutes(10), ofSeconds(630)))
                    .extracting(RecordedEvent::name).containsOnly("disconnected");
        }
    }
}
