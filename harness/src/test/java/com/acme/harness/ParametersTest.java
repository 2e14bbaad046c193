package com.acme.harness;

import static dev.loopguard.agent.FindingKind.BLOCKING_CALL;
import static dev.loopguard.agent.FindingKind.LOST_TASK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.harness.Findings;
import dev.loopguard.harness.Loopguard;
import dev.loopguard.harness.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The parameters {@code @Loopguard} gives: {@code EventLoop}, {@code Findings}; and {@code @VirtualTime} beside it. */
class ParametersTest {

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents();
    }

    @Test
    @DisplayName("an EventLoop parameter is fresh per test, shared with @BeforeEach, closed after; work left on it fails the test")
    void eventLoopParameter() {
        LoopFixture.loops.clear();
        Events events = run(LoopFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("sameLoopAsBeforeEach"), finishedSuccessfully()))
                .haveExactly(1, event(test("blocksIt"), finishedWithFailure(message(m -> m.startsWith(
                        "1 Loopguard finding in blocksIt(): BLOCKING_CALL Thread.sleep at ")
                        && m.contains("on thread 'blocksIt-loop'")))))
                .haveExactly(1, event(test("leavesWorkOnIt"), finishedWithFailure(message(m -> m.startsWith(
                        "1 Loopguard finding in leavesWorkOnIt(): LOST_TASK at ")
                        && m.contains("event loop: leavesWorkOnIt-loop")))));
        assertThat(LoopFixture.loops).hasSize(3).doesNotHaveDuplicates()
                .allSatisfy(loop -> assertThat(loop.isTerminated()).as(loop.name() + " closed").isTrue());
    }

    @Loopguard
    static class LoopFixture {
        static final List<EventLoop> loops = new CopyOnWriteArrayList<>();
        EventLoop fromBeforeEach;

        @BeforeEach
        void keep(EventLoop loop) {
            fromBeforeEach = loop;
            loops.add(loop);
        }

        @Test
        void sameLoopAsBeforeEach(EventLoop loop) {
            assertThat(loop).isSameAs(fromBeforeEach);
            loop.submit(() -> "fine").join();
        }

        @Test
        void blocksIt(EventLoop loop) {
            loop.submit(LegacyClient::fetch).join();
        }

        @Test
        void leavesWorkOnIt(EventLoop loop) {
            loop.schedule(() -> { }, Duration.ofHours(1));
        }
    }

    @Test
    @DisplayName("Findings: assertThat(findings).containsKind(..).hasNoOther(); asserted findings are expected, others still fail")
    void findingsParameter() {
        Events events = run(FindingsFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("assertsWhatItCaused"), finishedSuccessfully()))
                .haveExactly(1, event(test("assertsAKindItDidNotCause"), finishedWithFailure(message(m -> m.startsWith(
                        "Expected a LOST_TASK finding in this test, but it has 1 Loopguard finding in this test: "
                                + "BLOCKING_CALL Thread.sleep at LegacyClient.java:")))))
                .haveExactly(1, event(test("hasAnotherKind"), finishedWithFailure(message(m -> m.startsWith(
                        "Expected no findings in this test, but it has 1 Loopguard finding in this test: BLOCKING_CALL")))));
    }

    @Loopguard
    static class FindingsFixture {
        @Test
        void assertsWhatItCaused(EventLoop loop, Findings findings) {
            assertThat(findings).isEmpty();
            loop.submit(LegacyClient::fetch).join();
            assertThat(findings).containsKind(BLOCKING_CALL, "LegacyClient.fetch(").hasNoOther();
        }

        @Test
        void assertsAKindItDidNotCause(EventLoop loop, Findings findings) {
            loop.submit(LegacyClient::fetch).join();
            assertThat(findings).containsKind(LOST_TASK);
        }

        @Test
        void hasAnotherKind(EventLoop loop, Findings findings) {
            loop.schedule(() -> { }, Duration.ofHours(1));
            loop.submit(LegacyClient::fetch).join();
            loop.submit(() -> findings).join(); // the schedule is still pending: no LOST_TASK until the end
            assertThat(findings.ofKind(LOST_TASK)).isEmpty();
            assertThat(findings).hasNoOther();
        }
    }

    @Test
    @DisplayName("@Loopguard with @VirtualTime: a simulated day in milliseconds, findings on the virtual loop, unrun tasks still reported")
    void withVirtualTime() {
        Events events = run(VirtualDayFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("aDayOfSamples"), finishedSuccessfully()))
                .haveExactly(1, event(test("blocksAfterAnHour"), finishedWithFailure(message(m -> m.startsWith(
                        "1 Loopguard finding in blocksAfterAnHour(): BLOCKING_CALL Thread.sleep at ")
                        && m.contains("on thread 'blocksAfterAnHour-loop'")))))
                .haveExactly(1, event(test("leavesScheduledWork"), finishedWithFailure(message(m ->
                        m.contains("1 task(s) on EventLoop 'leavesScheduledWork-loop' never ran")))));
    }

    @Loopguard
    @VirtualTime
    static class VirtualDayFixture {
        @Test
        void aDayOfSamples(VirtualClock clock, EventLoop loop) {
            AtomicInteger samples = new AtomicInteger();
            loop.scheduleAtFixedRate(samples::incrementAndGet, Duration.ZERO, Duration.ofMinutes(10));
            clock.advanceBy(Duration.ofDays(1));
            assertThat(samples.get()).isEqualTo(24 * 6 + 1);
        }

        @Test
        void blocksAfterAnHour(VirtualClock clock, EventLoop loop) {
            loop.schedule(() -> {
                LegacyClient.fetch();
                return null;
            }, Duration.ofHours(1));
            clock.advanceBy(Duration.ofHours(2));
        }

        @Test
        void leavesScheduledWork(VirtualClock clock, EventLoop loop) {
            loop.schedule(() -> { }, Duration.ofHours(3));
            clock.advanceBy(Duration.ofHours(1));
        }
    }
}
