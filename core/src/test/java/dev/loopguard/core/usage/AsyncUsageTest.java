package dev.loopguard.core.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.core.Async;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.Outcome;
import dev.loopguard.core.RetryPolicy;
import dev.loopguard.core.TaskGroup;
import dev.loopguard.core.VirtualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The async utilities as an application uses them, from outside the package: only public API, the examples of
 * docs/async-utilities.md, on virtual time.
 */
class AsyncUsageTest {

    record Reading(String sensor, double celsius) {
    }

    /** A flaky sensor on a loop: the first {@code failures} reads fail, then each read takes {@code latency}. */
    static final class Sensor {
        final String name;
        final EventLoop loop;
        final Duration latency;
        final AtomicInteger failuresLeft;

        Sensor(String name, EventLoop loop, Duration latency, int failures) {
            this.name = name;
            this.loop = loop;
            this.latency = latency;
            this.failuresLeft = new AtomicInteger(failures);
        }

        CompletionStage<Reading> read() {
            CompletableFuture<Reading> reading = new CompletableFuture<>();
            if (failuresLeft.getAndDecrement() > 0) {
                loop.schedule(() -> reading.completeExceptionally(new IOException(name + ": bus error")), latency);
            } else {
                loop.schedule(() -> reading.complete(new Reading(name, 21.5)), latency);
            }
            return reading;
        }
    }

    @Test
    void pollsAGreenhouseWithRetriesTimeoutsABoundAndAGroup() {
        VirtualClock clock = VirtualClock.create();
        try (EventLoop loop = EventLoop.builder().name("greenhouse").clock(clock).build()) {
            RetryPolicy retry = Async.retry(loop).maxAttempts(3).initialDelay(Duration.ofMillis(100))
                    .retryOn(IOException.class, TimeoutException.class);
            List<Sensor> sensors = List.of(
                    new Sensor("air", loop, Duration.ofMillis(50), 0),
                    new Sensor("soil", loop, Duration.ofMillis(50), 1),
                    new Sensor("water", loop, Duration.ofMillis(50), 5));

            List<Supplier<CompletionStage<Reading>>> reads = sensors.stream()
                    .map(s -> (Supplier<CompletionStage<Reading>>) () -> retry.run(
                            () -> Async.timeout("read " + s.name, s.read(), Duration.ofSeconds(1), loop)))
                    .toList();
            CompletableFuture<List<Outcome<Reading>>> polled = Async.gatherSettledBounded(2, reads);

            Map<String, Reading> fromGroup = new ConcurrentHashMap<>();
            TaskGroup group = TaskGroup.open("backup-poll");
            group.fork(() -> sensors.get(0).read().thenAccept(r -> fromGroup.put(r.sensor(), r)));
            CompletableFuture<Void> joined = group.joinAsync();

            clock.advanceBy(Duration.ofSeconds(5));

            List<Outcome<Reading>> outcomes = polled.join();
            assertThat(outcomes.get(0).getOrThrow()).isEqualTo(new Reading("air", 21.5));
            assertThat(outcomes.get(1).getOrThrow()).isEqualTo(new Reading("soil", 21.5));
            assertThat(outcomes.get(2)).isInstanceOfSatisfying(Outcome.Failure.class, failed -> {
                assertThat(failed.error()).isInstanceOf(IOException.class).hasMessage("water: bus error");
                assertThat(failed.error().getSuppressed()).hasSize(2);
            });
            assertThat(joined).isCompletedWithValue(null);
            assertThat(fromGroup).containsKey("air");
        }
    }
}
