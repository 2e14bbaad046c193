package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/** A simulated board on a virtual clock, for tests. */
final class Sim implements AutoCloseable {
    final VirtualClock clock = VirtualClock.create();
    final EventLoop loop = EventLoop.builder().name("sim").clock(clock).build();
    final SimulatedBoard board;

    Sim(Scenario scenario) {
        board = SimulatedBoard.start(scenario, loop);
    }

    static Sim of(DeviceSpec... devices) {
        return new Sim(Scenario.of("test", 42, devices));
    }

    void advance(Duration d) {
        clock.advanceBy(d);
    }

    /** Moves the clock to {@code t} after the board started. */
    void advanceTo(Duration t) {
        Duration left = t.minus(board.elapsed());
        if (left.isNegative()) {
            throw new IllegalStateException("already at " + board.elapsed() + ", cannot go back to " + t);
        }
        clock.advanceBy(left);
    }

    /** Starts a read, advances by {@code wait} and returns the completed reading. */
    Reading read(Sensor sensor, Duration wait) {
        CompletionStage<Reading> stage = sensor.read();
        advance(wait);
        return done(stage);
    }

    static <T> T done(CompletionStage<T> stage) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        assertThat(f).as("read completed").isDone();
        return f.join();
    }

    @Override
    public void close() {
        board.close();
        loop.close();
    }
}
