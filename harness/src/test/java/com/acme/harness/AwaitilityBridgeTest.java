package com.acme.harness;

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
import dev.loopguard.harness.Loopguard;
import dev.loopguard.harness.LoopguardAwaitility;
import dev.loopguard.harness.VirtualTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@code LoopguardAwaitility}: fails fast on a finding of the test, and runs on virtual time. */
class AwaitilityBridgeTest {

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents();
    }

    @Test
    @DisplayName("a wait stops at the first failing finding of its test, with the finding's message, not at its timeout")
    void failsFast() {
        Events events = run(FailFastFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("waitsWhileTheLoopBlocks"), finishedWithFailure(
                        instanceOf(AssertionError.class), message(m -> m.startsWith(
                                "1 Loopguard finding in waitsWhileTheLoopBlocks(): BLOCKING_CALL Thread.sleep at "
                                        + "LegacyClient.java:")
                                && !m.contains("within 5 minutes")))))
                .haveExactly(1, event(test("waitsForWorkThatIsFine"), finishedSuccessfully()));
    }

    @Loopguard
    static class FailFastFixture {
        @Test
        void waitsWhileTheLoopBlocks(EventLoop loop) {
            loop.execute(() -> {
                try {
                    LegacyClient.fetch();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // Never true: only the finding can end this wait before its five minutes.
            LoopguardAwaitility.await().atMost(Duration.ofMinutes(5)).until(() -> false);
        }

        @Test
        void waitsForWorkThatIsFine(EventLoop loop) {
            AtomicBoolean done = new AtomicBoolean();
            loop.execute(() -> done.set(true));
            LoopguardAwaitility.await().atMost(Duration.ofMinutes(5)).untilTrue(done);
        }
    }

    @Test
    @DisplayName("the virtual-time wait advances the clock on each poll: ten virtual minutes, atMost read as virtual time")
    void virtualTime() {
        Events events = run(VirtualWaitFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("heaterTurnsOnAfterFiveVirtualMinutes"), finishedSuccessfully()))
                .haveExactly(1, event(test("neverWithinTenVirtualMinutes"), finishedWithFailure(
                        instanceOf(ConditionTimeoutException.class),
                        message(m -> m.contains("was not fulfilled within PT10M of virtual time (the clock advanced "
                                + "from 2026-01-01T00:00:00Z to 2026-01-01T00:10:00Z in steps of PT30S)")))));
        assertThat(VirtualWaitFixture.elapsed).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plusSeconds(1));
    }

    @Loopguard
    @VirtualTime
    static class VirtualWaitFixture {
        static volatile Duration elapsed;

        @Test
        void heaterTurnsOnAfterFiveVirtualMinutes(VirtualClock clock, EventLoop loop) {
            AtomicBoolean heaterOn = new AtomicBoolean();
            loop.schedule(() -> heaterOn.set(true), Duration.ofMinutes(5));
            LoopguardAwaitility.await(clock).atMost(Duration.ofMinutes(10)).untilTrue(heaterOn);
            elapsed = clock.elapsed();
        }

        @Test
        void neverWithinTenVirtualMinutes(VirtualClock clock, EventLoop loop) {
            AtomicBoolean heaterOn = new AtomicBoolean();
            var late = loop.schedule(() -> heaterOn.set(true), Duration.ofMinutes(20));
            try {
                LoopguardAwaitility.await(clock, Duration.ofSeconds(30)).atMost(Duration.ofMinutes(10))
                        .untilTrue(heaterOn);
            } finally {
                late.cancel(false);
            }
        }
    }

    @Test
    @DisplayName("outside a @Loopguard test the bridge says where it can be called")
    void outsideATest() {
        assertThatThrownBy(LoopguardAwaitility::await).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("LoopguardAwaitility.await() needs a running @Loopguard test on this thread");
    }
}
