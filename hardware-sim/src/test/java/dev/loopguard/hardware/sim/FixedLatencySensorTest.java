package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.LoopClock;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.SensorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FixedLatencySensorTest {
    private final VirtualClock clock = VirtualClock.create();
    private final EventLoop loop = EventLoop.builder().name("fixed-latency").clock(clock).build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    @DisplayName("a read completes exactly when its latency has passed on the loop's clock, with the fixed value")
    void readCompletesAfterItsLatency() {
        FixedLatencySensor probe = FixedLatencySensor.on(loop, "probe", ofMillis(10), 21.5);
        CompletableFuture<Reading> read = probe.read().toCompletableFuture();
        clock.advanceBy(ofMillis(9));
        assertThat(read).isNotDone();
        clock.advanceBy(ofMillis(1));
        Reading reading = read.join();
        assertThat(reading.device()).isEqualTo("probe");
        assertThat(reading.value(Quantity.TEMPERATURE)).isEqualTo(21.5);
        assertThat(reading.timestamp()).isEqualTo(clock.instant());
        assertThat(probe.quantities()).containsExactly(Quantity.TEMPERATURE);
    }

    @Test
    @DisplayName("many reads started together all complete after one latency: nothing serializes them")
    void concurrentReadsOverlap() {
        FixedLatencySensor probe = FixedLatencySensor.on(loop, "probe", ofMillis(10), 20);
        CompletableFuture<?>[] reads = new CompletableFuture<?>[100];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = probe.read().toCompletableFuture();
        }
        clock.advanceBy(ofMillis(10));
        assertThat(reads).allSatisfy(read -> assertThat(read).isCompleted());
    }

    @Test
    @DisplayName("a blocking read on another thread waits for the scheduled completion, not for a sleep")
    void blockingReadWaitsForTheClock() throws Exception {
        FixedLatencySensor probe = FixedLatencySensor.on(loop, "probe", ofMillis(200), 20);
        CompletableFuture<Reading> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> result.complete(probe.readBlocking()), "reader");
        reader.start();
        await().atMost(ofSeconds(10)).until(() -> reader.getState() == Thread.State.WAITING);
        clock.advanceBy(ofMillis(199));
        assertThat(result).isNotDone();
        clock.advanceBy(ofMillis(1));
        assertThat(result.get(10, TimeUnit.SECONDS).value(Quantity.TEMPERATURE)).isEqualTo(20);
    }

    @Test
    @DisplayName("a blocking read whose timeout is shorter than the latency fails with TIMEOUT, naming the caller")
    void blockingReadTimesOut() throws Exception {
        FixedLatencySensor probe = FixedLatencySensor.on(loop, "probe", ofMillis(200), 20);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                probe.readBlocking(ofMillis(50));
                failure.complete(null);
            } catch (RuntimeException e) {
                failure.complete(e);
            }
        }, "impatient-reader");
        reader.start();
        await().atMost(ofSeconds(10)).until(() -> reader.getState() == Thread.State.WAITING);
        clock.advanceBy(ofMillis(50));
        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(SensorException.class, e -> {
            assertThat(e.kind()).isEqualTo(SensorException.Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("'probe'", "within 50 ms", "impatient-reader", "take 200 ms");
        });
    }

    @Test
    @DisplayName("a blocking read on the loop that completes it fails at once instead of deadlocking")
    void blockingReadOnItsOwnLoopFails() {
        FixedLatencySensor probe = FixedLatencySensor.on(loop, "probe", ofMillis(10), 20);
        CompletableFuture<Reading> onLoop = loop.submit(() -> probe.readBlocking());
        clock.runUntilIdle();
        assertThat(onLoop).isCompletedExceptionally();
        assertThatThrownBy(onLoop::join).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fixed-latency itself must run").hasMessageContaining("use read()");
    }

    @Test
    @DisplayName("closing fails the pending reads, and a read after close names the sensor")
    void closeFailsPendingReads() {
        FixedLatencySensor probe = FixedLatencySensor.on(loop, "probe", ofMillis(10), 20);
        CompletableFuture<Reading> pending = probe.read().toCompletableFuture();
        probe.close();
        clock.advanceBy(ofMillis(10));
        assertThatThrownBy(pending::join).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed while a read was pending");
        assertThat(probe.isClosed()).isTrue();
        assertThatThrownBy(probe::read).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'probe' is closed");
    }

    @Test
    @DisplayName("on a plain scheduler and the system clock the read is completed by the scheduler's thread")
    void plainSchedulerOnRealTime() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                task -> new Thread(task, "sensor-timer"));
        try {
            FixedLatencySensor probe = FixedLatencySensor.on(LoopClock.system(), scheduler, "probe", ofMillis(1), 20);
            // Holds the scheduler, so the callback is attached before the read can complete.
            CountDownLatch attached = new CountDownLatch(1);
            scheduler.execute(() -> {
                try {
                    attached.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<String> completedOn = probe.read().toCompletableFuture()
                    .thenApply(reading -> Thread.currentThread().getName());
            attached.countDown();
            assertThat(completedOn.get(10, TimeUnit.SECONDS)).isEqualTo("sensor-timer");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    @DisplayName("bad arguments fail with the sensor, the value and the rule")
    void badArguments() {
        assertThatThrownBy(() -> FixedLatencySensor.on(loop, "probe", ofMillis(-1), 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'probe' latency must be")
                .hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> FixedLatencySensor.on(loop, "probe", ofMillis(1), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature must be a finite");
        assertThatThrownBy(() -> FixedLatencySensor.on(loop, " ", ofMillis(1), 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id must not be blank");
        assertThatThrownBy(() -> FixedLatencySensor.on(LoopClock.system(), loop, "probe", ofMillis(1), 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pass the loop's own clock");
        FixedLatencySensor probe = FixedLatencySensor.on(loop, "probe", ofMillis(1), 20);
        assertThatThrownBy(() -> probe.readBlocking(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
    }
}
