package com.acme.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.core.EventLoop;
import dev.loopguard.harness.AllowBlocking;
import dev.loopguard.harness.ExpectFinding;
import dev.loopguard.harness.Loopguard;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@code @AllowBlocking} and {@code @ExpectFinding}, through fixture classes run by the Engine Test Kit. */
class AllowAndExpectTest {

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents();
    }

    @Test
    @DisplayName("@AllowBlocking allows blocking in the named method and in lambdas written in it, and nowhere else")
    void allowBlocking() {
        Events events = run(AllowFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("callsTheAllowedClient"), finishedSuccessfully()))
                .haveExactly(1, event(test("blocksInALambdaOfAnAllowedMethod"), finishedSuccessfully()))
                .haveExactly(1, event(test("callsAnotherMethod"), finishedWithFailure(message(m -> m.startsWith(
                        "1 Loopguard finding in callsAnotherMethod(): BLOCKING_CALL Thread.sleep at LegacyClient.java:")))))
                .haveExactly(1, event(test("wholeTypeAllowed"), finishedSuccessfully()));
    }

    @Loopguard
    @AllowBlocking(type = LegacyClient.class, method = "fetch", reason = "the legacy client has no async API yet")
    static class AllowFixture {
        final EventLoop loop = EventLoop.builder().name("allow").build();

        @AfterEach
        void close() {
            loop.close();
        }

        @Test
        void callsTheAllowedClient() {
            loop.submit(LegacyClient::fetch).join();
        }

        @Test
        @AllowBlocking(type = AllowFixture.class, method = "blocksInALambdaOfAnAllowedMethod",
                reason = "the lambda counts as this method")
        void blocksInALambdaOfAnAllowedMethod() {
            loop.submit(() -> {
                Thread.sleep(2);
                return "slept";
            }).join();
        }

        @Test
        void callsAnotherMethod() {
            loop.submit(LegacyClient::fetchAgain).join();
        }

        @Test
        @AllowBlocking(type = LegacyClient.class, reason = "every method of it")
        void wholeTypeAllowed() {
            loop.submit(LegacyClient::fetchAgain).join();
        }
    }

    @Test
    @DisplayName("@AllowBlocking naming a method the type does not declare, or with no reason, fails before the test runs")
    void malformedAllowBlocking() {
        Events events = run(MalformedAllowFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("unknownMethod"), finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message("@AllowBlocking(type = com.acme.harness.LegacyClient.class, method = \"fetchAll\", "
                                + "reason = \"batch\"): com.acme.harness.LegacyClient declares no method 'fetchAll'; "
                                + "expected the name of a method it declares (a lambda counts as the method that "
                                + "wrote it), or \"*\" for all of them."))))
                .haveExactly(1, event(test("noReason"), finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.endsWith("has no reason; expected a sentence saying why blocking there is "
                                + "acceptable.")))));
    }

    @Loopguard
    static class MalformedAllowFixture {
        @Test
        @AllowBlocking(type = LegacyClient.class, method = "fetchAll", reason = "batch")
        void unknownMethod() {
        }

        @Test
        @AllowBlocking(type = LegacyClient.class, method = "fetch", reason = " ")
        void noReason() {
        }
    }

    @Test
    @DisplayName("@ExpectFinding passes when the finding happens, fails saying what was expected and found, and leaves other findings failing")
    void expectFinding() {
        Events events = run(ExpectFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("blocksAsExpected"), finishedSuccessfully()))
                .haveExactly(1, event(test("expectsALostTaskThatNeverHappens"), finishedWithFailure(message(
                        "Loopguard expectation not met in expectsALostTaskThatNeverHappens(): expected at least 1 "
                                + "LOST_TASK, found 0."))))
                .haveExactly(1, event(test("blocksMoreThanAllowed"), finishedWithFailure(message(
                        "Loopguard expectation not met in blocksMoreThanAllowed(): expected exactly 1 BLOCKING_CALL, "
                                + "found 2."))))
                .haveExactly(1, event(test("expectedAtAnotherSite"), finishedWithFailure(message(m -> m.startsWith(
                        "Loopguard expectation not met in expectedAtAnotherSite(): expected at least 1 BLOCKING_CALL "
                                + "at a site containing 'LegacyClient.fetchAgain(', found 0 (BLOCKING_CALL elsewhere: "
                                + "com.acme.harness.LegacyClient.fetch(LegacyClient.java:")))))
                .haveExactly(1, event(test("expectedAndAnotherFinding"), finishedWithFailure(message(m -> m.startsWith(
                        "1 Loopguard finding in expectedAndAnotherFinding(): LOST_TASK at ")))));
        assertThat(FindingKind.values()).contains(FindingKind.LOST_TASK);
    }

    @Loopguard
    static class ExpectFixture {
        final EventLoop loop = EventLoop.builder().name("expect").build();

        @AfterEach
        void close() {
            loop.close();
        }

        @Test
        @ExpectFinding(FindingKind.BLOCKING_CALL)
        void blocksAsExpected() {
            loop.submit(LegacyClient::fetch).join();
        }

        @Test
        @ExpectFinding(FindingKind.LOST_TASK)
        void expectsALostTaskThatNeverHappens() {
            loop.submit(() -> "fine").join();
        }

        @Test
        @ExpectFinding(value = FindingKind.BLOCKING_CALL, atMost = 1)
        void blocksMoreThanAllowed() {
            loop.submit(LegacyClient::fetch).join();
            loop.submit(LegacyClient::fetch).join();
        }

        @Test
        @ExpectFinding(value = FindingKind.BLOCKING_CALL, site = "LegacyClient.fetchAgain(")
        void expectedAtAnotherSite() {
            loop.submit(LegacyClient::fetch).join();
        }

        @Test
        @ExpectFinding(FindingKind.BLOCKING_CALL)
        void expectedAndAnotherFinding() {
            loop.submit(LegacyClient::fetch).join();
            loop.schedule(() -> { }, Duration.ofHours(1));
        }
    }
}
