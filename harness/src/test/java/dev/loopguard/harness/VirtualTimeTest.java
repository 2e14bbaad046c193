package dev.loopguard.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs fixture test classes with the JUnit Platform Engine Test Kit and checks their outcomes. */
class VirtualTimeTest {

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
    }

    @Test
    @DisplayName("injects one clock and one loop per test, shared with @BeforeEach, and runs an hour in no time")
    void injectsClockAndLoop() {
        Events events = run(PassingFixture.class);

        events.assertStatistics(stats -> stats.started(2).succeeded(2));
    }

    @Test
    @DisplayName("fails a test whose task threw an exception nobody handled, naming the loop and the task's line")
    void failsOnUncaughtException() {
        Events events = run(UncaughtFixture.class);

        events.assertThatEvents().haveExactly(1, event(test("taskThrows"), finishedWithFailure(
                instanceOf(AssertionError.class),
                message(m -> m.contains("EventLoop 'taskThrows-loop'")
                        && m.contains("java.lang.IllegalStateException: relay stuck")
                        && m.contains("at dev.loopguard.harness.VirtualTimeTest$UncaughtFixture")
                        && m.contains("handle it inside the task")))));
    }

    @Test
    @DisplayName("fails a test that left scheduled work behind, saying how far the clock got and what to do")
    void failsOnUnrunTasks() {
        Events events = run(UnrunFixture.class);

        events.assertThatEvents().haveExactly(1, event(test("leavesWorkBehind"), finishedWithFailure(
                instanceOf(AssertionError.class),
                message(m -> m.contains("1 task(s) on EventLoop 'leavesWorkBehind-loop' never ran")
                        && m.contains("2026-01-01T00:01:00Z") && m.contains("clock.advanceBy")))));
        events.assertThatEvents().haveExactly(1, event(test("periodicTasksMayStop"), finishedSuccessfully()));
        events.assertThatEvents().haveExactly(1, event(test("checkTurnedOff"), finishedSuccessfully()));
    }

    @Test
    @DisplayName("lets a method annotation override the class's start instant")
    void methodOverridesClass() {
        Events events = run(PrecedenceFixture.class);

        events.assertStatistics(stats -> stats.started(2).succeeded(2));
    }

    @Test
    @DisplayName("rejects a malformed start or idleTimeout, naming the attribute, the value and the accepted form")
    void rejectsBadAttributes() {
        Events events = run(BadAttributesFixture.class);

        events.assertThatEvents().haveExactly(1, event(test("badStart"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message("@VirtualTime(start = \"yesterday\") is not an ISO-8601 instant; use a form such as "
                        + "\"2026-01-01T00:00:00Z\"."))));
        events.assertThatEvents().haveExactly(1, event(test("badIdleTimeout"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message("@VirtualTime(idleTimeout = \"0s\"): must be a positive duration like 500ms, 10s, 2m or "
                        + "PT10S, was '0s'"))));
        events.assertThatEvents().haveExactly(1, event(test("idleTimeoutInAnotherSyntax"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message("@VirtualTime(idleTimeout = \"3h30m\"): must be a duration like 750ms, 30s, 10m, 1.5h, 1d or "
                        + "PT10M, was '3h30m'"))));
    }

    @Test
    @DisplayName("parses the toolkit's duration syntax: decimals with ms to d, or ISO-8601")
    void parsesDurations() {
        assertThat(VirtualTimeExtension.parseIdleTimeout("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(VirtualTimeExtension.parseIdleTimeout("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(VirtualTimeExtension.parseIdleTimeout("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(VirtualTimeExtension.parseIdleTimeout("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(VirtualTimeExtension.parseIdleTimeout("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(VirtualTimeExtension.parseIdleTimeout("PT0.5S")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> VirtualTimeExtension.parseIdleTimeout(" 3 s"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@VirtualTime(idleTimeout = \" 3 s\"): must be a duration like 750ms, 30s, 10m, 1.5h, 1d "
                        + "or PT10M, was ' 3 s'");
        assertThatThrownBy(() -> VirtualTimeExtension.parseIdleTimeout("200000d"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@VirtualTime(idleTimeout = \"200000d\"): must be at most 106751 days");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fixtures: run only through the Engine Test Kit above (Surefire skips nested classes).

    @VirtualTime
    static class PassingFixture {
        private final List<String> log = new ArrayList<>();
        private VirtualClock clockSeenBefore;
        private EventLoop loopSeenBefore;

        @BeforeEach
        void setUp(VirtualClock clock, EventLoop loop) {
            clockSeenBefore = clock;
            loopSeenBefore = loop;
        }

        @Test
        void hourlyTaskRunsWhenTheClockMovesAnHour(VirtualClock clock, EventLoop loop) {
            assertThat(clock).isSameAs(clockSeenBefore);
            assertThat(loop).isSameAs(loopSeenBefore);
            loop.schedule(() -> log.add("ran at " + clock.instant()), Duration.ofHours(1));
            clock.advanceBy(Duration.ofHours(1));
            assertThat(log).containsExactly("ran at 2026-01-01T01:00:00Z");
            assertThat(loop.name()).isEqualTo("hourlyTaskRunsWhenTheClockMovesAnHour-loop");
        }

        @Test
        void eachTestGetsAFreshClock(VirtualClock clock) {
            assertThat(clock.elapsed()).isZero();
        }
    }

    @VirtualTime
    static class UncaughtFixture {
        @Test
        void taskThrows(VirtualClock clock, EventLoop loop) {
            loop.execute(() -> {
                throw new IllegalStateException("relay stuck");
            });
            clock.runUntilIdle();
        }
    }

    @VirtualTime
    static class UnrunFixture {
        @Test
        void leavesWorkBehind(VirtualClock clock, EventLoop loop) {
            loop.schedule(() -> { }, Duration.ofMinutes(5));
            clock.advanceBy(Duration.ofMinutes(1));
        }

        @Test
        void periodicTasksMayStop(VirtualClock clock, EventLoop loop) {
            loop.scheduleAtFixedRate(() -> { }, Duration.ZERO, Duration.ofSeconds(1));
            clock.advanceBy(Duration.ofMinutes(1));
        }

        @Test
        @VirtualTime(failOnUnrunTasks = false)
        void checkTurnedOff(VirtualClock clock, EventLoop loop) {
            loop.schedule(() -> { }, Duration.ofMinutes(5));
        }
    }

    @VirtualTime(start = "2030-06-01T12:00:00Z")
    static class PrecedenceFixture {
        @Test
        void classStart(VirtualClock clock) {
            assertThat(clock.instant()).isEqualTo(Instant.parse("2030-06-01T12:00:00Z"));
        }

        @Test
        @VirtualTime(start = "2026-11-21T11:27:11Z")
        void methodStart(VirtualClock clock) {
            assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-21T11:27:11Z"));
        }
    }

    static class BadAttributesFixture {
        @Test
        @VirtualTime(start = "yesterday")
        void badStart(VirtualClock clock) {
        }

        @Test
        @VirtualTime(idleTimeout = "0s")
        void badIdleTimeout(VirtualClock clock) {
        }

        @Test
        @VirtualTime(idleTimeout = "3h30m")
        void idleTimeoutInAnotherSyntax(VirtualClock clock) {
        }
    }
}
