package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BlockingReadTest {
    private static final Duration LATENCY = ofMillis(200);

    private static Scenario probe() {
        return Scenario.of("blocking", 3, DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null)
                .withChannel(Quantity.TEMPERATURE, new SignalSpec.Constant(20), NoiseSpec.NONE)
                .withLatency(new LatencySpec.Fixed(LATENCY)));
    }

    @Test
    @DisplayName("on virtual time a blocking read waits until the clock passes its deadline")
    void virtualBlockingReadWaitsForTheClock() throws Exception {
        try (Sim sim = new Sim(probe())) {
            Sensor probe = sim.board.sensor("probe");
            CompletableFuture<Reading> result = new CompletableFuture<>();
            Thread reader = new Thread(() -> result.complete(probe.readBlocking()), "reader");
            reader.start();
            await().atMost(ofSeconds(10)).until(() -> reader.getState() == Thread.State.WAITING);
            sim.advance(LATENCY.minusMillis(1));
            assertThat(result).isNotDone();
            sim.advance(ofMillis(1));
            Reading r = result.get(10, TimeUnit.SECONDS);
            assertThat(r.timestamp()).isEqualTo(sim.clock.instant());
            assertThat(r.value(Quantity.TEMPERATURE)).isEqualTo(20);
        }
    }

    @Test
    @DisplayName("on virtual time a blocking read offloaded from the loop takes no virtual time instead of deadlocking")
    void offloadedBlockingReadOnVirtualTime() throws Exception {
        try (Sim sim = new Sim(probe())) {
            Sensor probe = sim.board.sensor("probe");
            sim.advance(ofSeconds(5));
            CompletableFuture<Reading> result = sim.loop.submit(() -> sim.loop.offload(probe::readBlocking))
                    .thenCompose(f -> f);
            sim.advance(ofSeconds(1));
            Reading r = result.get(10, TimeUnit.SECONDS);
            assertThat(r.timestamp()).isEqualTo(sim.clock.instant().minusSeconds(1));
            assertThat(r.value(Quantity.TEMPERATURE)).isEqualTo(20);
        }
    }

    @Test
    @DisplayName("on an event loop thread a blocking read really holds the thread for its latency")
    void blockingReadOnTheLoopStallsIt() throws Exception {
        try (Sim sim = new Sim(probe())) {
            Sensor probe = sim.board.sensor("probe");
            CompletableFuture<Long> stalled = sim.loop.submit(() -> {
                long start = System.nanoTime();
                probe.readBlocking();
                return System.nanoTime() - start;
            });
            sim.clock.runUntilIdle();
            // a lower bound only: the thread was held at least as long as the conversion takes
            assertThat(stalled.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(LATENCY.toNanos());
            assertThat(sim.board.elapsed()).as("virtual time does not move while the loop is blocked")
                    .isEqualTo(Duration.ZERO);
        }
    }

    @Test
    @DisplayName("on real time an asynchronous read completes on the loop after the latency")
    void realTimeAsyncRead() throws Exception {
        EventLoop loop = EventLoop.create();
        try (SimulatedBoard board = SimulatedBoard.start(probe(), LoopClock.system(), loop)) {
            long start = System.nanoTime();
            CompletionStage<Reading> stage = board.sensor("probe").read();
            CompletableFuture<Thread> completedOn = stage.thenApply(r -> Thread.currentThread()).toCompletableFuture();
            await().atMost(ofSeconds(10)).until(completedOn::isDone);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(LATENCY.toNanos());
            assertThat(completedOn.get()).isInstanceOf(dev.loopguard.core.EventLoopThread.class);
            assertThat(Sim.done(stage).value(Quantity.TEMPERATURE)).isEqualTo(20);
        } finally {
            loop.close();
        }
    }

    @Test
    @DisplayName("on real time a blocking read holds the calling thread for the latency")
    void realTimeBlockingRead() {
        EventLoop loop = EventLoop.create();
        try (SimulatedBoard board = SimulatedBoard.start(probe(), LoopClock.system(), loop)) {
            long start = System.nanoTime();
            Reading r = board.sensor("probe").readBlocking();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(LATENCY.toNanos());
            assertThat(r.value(Quantity.TEMPERATURE)).isEqualTo(20);
        } finally {
            loop.close();
        }
    }
}
