package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.LoopClock;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofNanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadTimerTest {
    private static final Duration TICK = Duration.ofNanos(10_000);

    private final VirtualClock clock = VirtualClock.create();
    /** What the loop hands back at close: the scheduled tasks that never ran, one per pending tick. */
    private final List<Runnable> unrun = new CopyOnWriteArrayList<>();
    private final EventLoop loop = EventLoop.builder().name("read-timer").clock(clock).onUnrunTasks(unrun::addAll)
            .build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    @DisplayName("reads of many sensors due at the same tick are completed by one scheduled task")
    void readsDueAtOneTickShareOneTask() {
        ReadTimer timer = ReadTimer.on(loop, TICK);
        List<CompletableFuture<Reading>> reads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            reads.add(FixedLatencySensor.on(timer, "s" + i, ofMillis(1), 20).read().toCompletableFuture());
        }
        loop.close();
        assertThat(unrun).hasSize(1);
        assertThat(unrun.get(0).toString()).contains("completion of fixed-latency sensor reads");
        assertThat(reads).allSatisfy(read -> assertThat(read).isNotDone());
    }

    @Test
    @DisplayName("sensors on their own exact timers still get one scheduled task per read")
    void exactSensorsScheduleOneTaskEach() {
        for (int i = 0; i < 5; i++) {
            FixedLatencySensor.on(loop, "s" + i, ofMillis(1), 20).read();
        }
        loop.close();
        assertThat(unrun).hasSize(5);
    }

    @Test
    @DisplayName("a read is rounded up to the next tick, never completed before its latency has passed")
    void roundsUpNeverDown() {
        ReadTimer timer = ReadTimer.on(loop, TICK);
        FixedLatencySensor probe = FixedLatencySensor.on(timer, "probe", ofMillis(1), 21.5);
        long start = clock.nanoTime();
        long offTick = Math.floorMod(start, TICK.toNanos());
        // Start the read 3 us after a tick boundary, so that its deadline falls 7 us before the next one.
        clock.advanceBy(ofNanos(TICK.toNanos() - offTick + 3_000));
        CompletableFuture<Reading> read = probe.read().toCompletableFuture();
        clock.advanceBy(ofMillis(1));
        assertThat(read).as("exactly one latency after the start, still before the tick").isNotDone();
        clock.advanceBy(ofNanos(6_999));
        assertThat(read).isNotDone();
        clock.advanceBy(ofNanos(1));
        Reading reading = read.join();
        assertThat(reading.device()).isEqualTo("probe");
        assertThat(reading.value(Quantity.TEMPERATURE)).isEqualTo(21.5);
        assertThat(reading.timestamp()).isEqualTo(clock.instant());
    }

    @Test
    @DisplayName("reads of one tick complete in the order they started, each with its own sensor's id and value")
    void oneTickCompletesInStartOrder() {
        ReadTimer timer = ReadTimer.on(loop, TICK);
        List<String> completed = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Reading>> reads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Reading> read = FixedLatencySensor.on(timer, "s" + i, ofMillis(1), 20 + i).read()
                    .toCompletableFuture();
            read.thenAccept(reading -> completed.add(reading.device()));
            reads.add(read);
        }
        clock.advanceBy(ofMillis(2));
        assertThat(completed).containsExactly("s0", "s1", "s2", "s3");
        for (int i = 0; i < 4; i++) {
            assertThat(reads.get(i).join().value(Quantity.TEMPERATURE)).isEqualTo(20.0 + i);
        }
    }

    @Test
    @DisplayName("a read started after its tick's task ran opens a new tick instead of joining the finished one")
    void readAfterTheTickFiredOpensANewOne() {
        ReadTimer timer = ReadTimer.on(loop, TICK);
        FixedLatencySensor instant = FixedLatencySensor.on(timer, "instant", Duration.ZERO, 20);
        CompletableFuture<Reading> first = instant.read().toCompletableFuture();
        clock.runUntilIdle();
        assertThat(first).isCompleted();
        // Same clock reading, so the same tick as the read that already completed.
        CompletableFuture<Reading> second = instant.read().toCompletableFuture();
        clock.runUntilIdle();
        assertThat(second).isCompleted();
    }

    @Test
    @DisplayName("a closed sensor's read pending on a shared tick fails, the others on that tick complete")
    void closedSensorFailsOnlyItsOwnRead() {
        ReadTimer timer = ReadTimer.on(loop, TICK);
        FixedLatencySensor open = FixedLatencySensor.on(timer, "open", ofMillis(1), 20);
        FixedLatencySensor closing = FixedLatencySensor.on(timer, "closing", ofMillis(1), 20);
        CompletableFuture<Reading> fine = open.read().toCompletableFuture();
        CompletableFuture<Reading> failing = closing.read().toCompletableFuture();
        closing.close();
        clock.advanceBy(ofMillis(2));
        assertThat(fine.join().device()).isEqualTo("open");
        assertThatThrownBy(failing::join).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'closing' was closed while a read was pending");
    }

    @Test
    @DisplayName("a read on a timer whose loop is shut down fails at once, also when its tick is already open")
    void readAfterShutdownIsRejected() {
        ReadTimer timer = ReadTimer.on(loop, TICK);
        FixedLatencySensor probe = FixedLatencySensor.on(timer, "probe", ofMillis(1), 20);
        probe.read();
        loop.shutdown();
        assertThatThrownBy(probe::read).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("fixed-latency sensor 'probe'").hasMessageContaining("shut down");
    }

    @Test
    @DisplayName("bad resolutions and a clock that is not the loop's fail naming the value and the rule")
    void badArguments() {
        assertThatThrownBy(() -> ReadTimer.on(loop, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolution must be a duration from 1 ns to 1 s, was PT0S");
        assertThatThrownBy(() -> ReadTimer.on(loop, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was PT2S");
        assertThatThrownBy(() -> ReadTimer.on(LoopClock.system(), loop, TICK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pass the loop's own clock");
        assertThat(ReadTimer.on(loop, TICK).resolution()).isEqualTo(TICK);
    }
}
