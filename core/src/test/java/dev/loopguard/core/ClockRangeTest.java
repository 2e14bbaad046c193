package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Durations longer than the loop's nanosecond clock holds are refused where they are given, never overflow later. */
@DisplayName("durations beyond the loop's nanosecond clock")
class ClockRangeTest {

    private static final Duration THREE_HUNDRED_YEARS = Duration.ofDays(365 * 300);
    private static final String LIMIT = " must be at most PT2562047H47M16.854775807S (the longest a loop's "
            + "nanosecond clock holds, about 292 years), was PT2628000H";

    private final VirtualClock clock = VirtualClock.create();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private final EventLoop loop = EventLoop.builder().name("range-test").clock(clock)
            .uncaughtExceptionHandler((thread, error) -> uncaught.add(error)).build();

    @AfterEach
    void closeLoop() {
        loop.shutdownNow();
        assertThat(uncaught).isEmpty();
    }

    @Test
    void eventLoopScheduleRefusesThem() {
        assertThatThrownBy(() -> loop.schedule(() -> { }, THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("EventLoop delay" + LIMIT);
        assertThatThrownBy(() -> loop.schedule(() -> 1, THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("EventLoop delay" + LIMIT);
        assertThatThrownBy(() -> loop.scheduleAtFixedRate(() -> { }, Duration.ZERO, THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("EventLoop period" + LIMIT);
        assertThatThrownBy(() -> loop.scheduleWithFixedDelay(() -> { }, THREE_HUNDRED_YEARS, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("EventLoop initialDelay" + LIMIT);
        AtomicInteger overdue = new AtomicInteger();
        loop.schedule(overdue::incrementAndGet, Duration.ofDays(-365 * 300));
        clock.runUntilIdle();
        assertThat(overdue).as("an overdue delay, however long, runs at once").hasValue(1);
    }

    @Test
    void eventLoopKeepsTheExecutorContractForTimeUnitsAndRunsTheLongestPeriodOnlyOnce() {
        AtomicInteger runs = new AtomicInteger();
        loop.scheduleAtFixedRate(runs::incrementAndGet, 0, Long.MAX_VALUE, TimeUnit.DAYS);
        loop.schedule(runs::incrementAndGet, Long.MAX_VALUE, TimeUnit.DAYS);

        clock.advanceBy(Duration.ofDays(365));

        assertThat(runs).as("the second period of the longest rate lies 292 years ahead").hasValue(1);
    }

    @Test
    void aVirtualClockRefusesToStepPastWhatItsNanosecondCountHolds() {
        VirtualClock fresh = VirtualClock.startingAt(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        assertThatThrownBy(() -> fresh.advanceBy(THREE_HUNDRED_YEARS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("VirtualClock.advanceBy amount must be at most PT2562047H47M16.854775807S (the clock has "
                        + "run for PT0S of the PT2562047H47M16.854775807S its nanosecond count holds), was PT2628000H");
        fresh.advanceBy(Duration.ofDays(1));
        assertThatThrownBy(() -> fresh.advanceBy(Durations.MAX)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("VirtualClock.advanceBy amount must be at most PT2562023H47M16.854775807S "
                        + "(the clock has run for PT24H of");
        assertThatThrownBy(() -> fresh.advanceTo(java.time.Instant.parse("2400-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("VirtualClock.advanceTo step to 2400-01-01T00:00:00Z must be at most");
        assertThat(fresh.elapsed()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void retryPolicyRefusesThem() {
        RetryPolicy retry = Async.retry(loop);
        assertThatThrownBy(() -> retry.initialDelay(THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retry initialDelay" + LIMIT);
        assertThatThrownBy(() -> retry.fixedDelay(THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retry fixedDelay" + LIMIT);
        assertThatThrownBy(() -> retry.maxDelay(THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retry maxDelay" + LIMIT);
    }

    @Test
    void asyncTimeoutRefusesThem() {
        CompletableFuture<String> work = new CompletableFuture<>();
        assertThatThrownBy(() -> Async.timeout(work, THREE_HUNDRED_YEARS, loop))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout timeout" + LIMIT);
        assertThatThrownBy(() -> Async.completeOnTimeout(work, "x", THREE_HUNDRED_YEARS, loop))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("completeOnTimeout timeout" + LIMIT);
        assertThat(work).isNotDone();
    }

    @Test
    void controllerPeriodsAndBackOffRefuseThem() {
        ControllerRunner runner = ControllerRunner.on(loop);
        Controller sampler = new Controller() {
            @Override
            public java.util.concurrent.CompletionStage<Void> loopAsync() {
                return CompletableFuture.completedFuture(null);
            }
        };
        assertThatThrownBy(() -> runner.register("sampler", sampler, THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("controller 'sampler' loop period" + LIMIT);
        assertThatThrownBy(() -> LoopBackoff.exponential(2, THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("LoopBackoff max" + LIMIT);
        assertThatThrownBy(() -> ControllerRunner.builder(loop).stopTimeout(THREE_HUNDRED_YEARS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stopTimeout" + LIMIT);
    }

    @Test
    void aControllerOnTheLongestPeriodRunsOnceAndIsScheduledWithoutOverflow() {
        AtomicInteger loops = new AtomicInteger();
        ControllerRunner runner = ControllerRunner.on(loop).register("rare", new Controller() {
            @Override
            public java.util.concurrent.CompletionStage<Void> loopAsync() {
                loops.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            }
        }, Durations.MAX);
        runner.start("rare");

        clock.advanceBy(Duration.ofDays(365));

        assertThat(loops).hasValue(1);
        CompletableFuture<Health> health = runner.healthCheck("rare");
        clock.runUntilIdle();
        assertThat(health.join().loops().skipped()).isZero();
    }
}
