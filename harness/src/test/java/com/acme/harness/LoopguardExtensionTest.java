package com.acme.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.LoopguardAgent;
import dev.loopguard.core.EventLoop;
import dev.loopguard.harness.Findings;
import dev.loopguard.harness.Loopguard;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * {@code @Loopguard} as a user meets it: fixture test classes (in an application package, so the agent treats their
 * lines as the user's) run through the JUnit Platform Engine Test Kit, their outcomes and messages asserted. Runs
 * self-attached, and under {@code -javaagent} in the module's second Surefire execution.
 */
class LoopguardExtensionTest {

    private static Events run(Class<?> fixture, Map<String, String> parameters) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .configurationParameters(parameters).execute().allEvents();
    }

    private static Events run(Class<?> fixture) {
        return run(fixture, Map.of());
    }

    static void blockOn(EventLoop loop) {
        loop.submit(() -> {
            Thread.sleep(2);
            return "slept";
        }).join();
    }

    @Test
    @DisplayName("runs on the route its Surefire execution gives: attached by @Loopguard, or started by -javaagent")
    void runsOnTheRouteItWasGiven() {
        boolean javaagent = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent:") && a.contains("loopguard-agent"));
        assertThat(javaagent).as("-javaagent on the command line")
                .isEqualTo("javaagent".equals(System.getProperty("loopguard.test.route")));
        run(BlockingFixture.class);
        assertThat(LoopguardAgent.isInstalled()).isTrue();
    }

    @Test
    @DisplayName("a blocking call on an event loop fails its test, with the count, the kind, the line and a fix")
    void blockingOnALoopFailsItsTest() {
        Events events = run(BlockingFixture.class);

        events.assertThatEvents().haveExactly(1, event(test("blocksTheLoop"), finishedWithFailure(
                instanceOf(AssertionError.class), message(m -> m.startsWith(
                        "1 Loopguard finding in blocksTheLoop(): BLOCKING_CALL Thread.sleep at LoopguardExtensionTest.java:")
                        && m.contains("1) BLOCKING_CALL on thread 'fixture-loop'")
                        && m.contains("operation: java.lang.Thread.sleep")
                        && m.contains("at: com.acme.harness.LoopguardExtensionTest.lambda$blockOn$")
                        && m.contains("instead: Move it off the loop")
                        && !m.contains("org.junit.")
                        && !m.contains("dev.loopguard.agent.")))));
        events.assertThatEvents().haveExactly(1, event(test("sleepsOnTheTestThread"), finishedSuccessfully()));
        assertThat(LoopguardAgent.findings()).filteredOn(f -> f.test().orElse("").contains("sleepsOnTheTestThread"))
                .isEmpty();
    }

    @Loopguard
    static class BlockingFixture {
        final EventLoop loop = EventLoop.builder().name("fixture-loop").build();

        @AfterEach
        void close() {
            loop.close();
        }

        @Test
        void blocksTheLoop() {
            blockOn(loop);
        }

        @Test
        void sleepsOnTheTestThread() throws InterruptedException {
            Thread.sleep(2);
            loop.submit(() -> "not blocking").join();
        }
    }

    @Test
    @DisplayName("work left queued on a loop at the end fails the test that queued it")
    void pendingWorkFailsItsTest() {
        Events events = run(PendingFixture.class);

        events.assertThatEvents().haveExactly(1, event(test("leavesWorkQueued"), finishedWithFailure(
                message(m -> m.startsWith("1 Loopguard finding in leavesWorkQueued(): LOST_TASK at ")
                        && m.contains("event loop: left-open")
                        && m.contains("instead: Wait for the work")))));
        events.assertThatEvents().haveExactly(1, event(test("queuesNothing"), finishedSuccessfully()));
    }

    @Loopguard
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PendingFixture {
        static final EventLoop LOOP = EventLoop.builder().name("left-open").build();

        @Test
        @Order(1)
        void leavesWorkQueued() {
            LOOP.schedule(() -> { }, Duration.ofHours(1));
        }

        @Test
        @Order(2)
        void queuesNothing() {
            LOOP.submit(() -> "done").join();
        }
    }

    @Test
    @DisplayName("a failure nobody observed, found after its test, is charged to that test at the class's end, not to the next test")
    void lateFindingIsChargedToTheTestThatCausedIt() {
        Events events = run(LateFixture.class);

        events.assertThatEvents().haveExactly(1, event(test("createsAFailureNobodyReads"), finishedSuccessfully()));
        events.assertThatEvents().haveExactly(1, event(test("runsWhenItIsFound"), finishedSuccessfully()));
        events.assertThatEvents().haveExactly(1, event(container(LateFixture.class), finishedWithFailure(
                message(m -> m.startsWith("1 Loopguard finding surfaced after their test ended, in LateFixture: "
                        + "UNHANDLED_FAILURE IllegalStateException at LoopguardExtensionTest.java:")
                        && m.contains("caused by test LateFixture.createsAFailureNobodyReads()")
                        && m.contains("exception: java.lang.IllegalStateException: nobody reads this")))));
        assertThat(LoopguardAgent.findings()).filteredOn(f -> f.kind() == FindingKind.UNHANDLED_FAILURE
                && f.test().orElse("").contains("LateFixture")).singleElement()
                .satisfies(f -> assertThat(f.test()).hasValue("LateFixture.createsAFailureNobodyReads()"));
    }

    @Loopguard
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LateFixture {
        /** Keeps the failed future reachable past its test's settling, as a cache or a slow collector would. */
        static volatile CompletableFuture<String> kept;
        static final ExecutorService POOL = Executors.newSingleThreadExecutor();

        @Test
        @Order(1)
        void createsAFailureNobodyReads() {
            kept = CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException("nobody reads this");
            }, POOL);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kept.isDone());
        }

        @Test
        @Order(2)
        void runsWhenItIsFound() {
            kept = null;
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                System.gc();
                return LoopguardAgent.findings().stream().anyMatch(f -> f.kind() == FindingKind.UNHANDLED_FAILURE
                        && f.test().orElse("").contains("createsAFailureNobodyReads"));
            });
        }
    }

    @Test
    @DisplayName("an unobserved failure that becomes unreachable by the test's end fails that test")
    void settlingFindsTheTestsOwnUnobservedFailure() {
        Events events = run(SettledFixture.class);

        events.assertThatEvents().haveExactly(1, event(test("dropsAFailedFuture"), finishedWithFailure(
                message(m -> m.startsWith("1 Loopguard finding in dropsAFailedFuture(): UNHANDLED_FAILURE "
                        + "IllegalStateException at LoopguardExtensionTest.java:")
                        && m.contains("instead: Chain .exceptionally")))));
    }

    @Loopguard
    static class SettledFixture {
        @Test
        void dropsAFailedFuture() throws Exception {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException("dropped");
            }, pool);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    @DisplayName("tests running in parallel on their own loops see only their own findings")
    void parallelTestsStayApart() {
        Events events = run(ParallelFixture.class, Map.of("junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"));

        events.assertThatEvents().haveExactly(1, event(test("blocksItsLoop"), finishedWithFailure(
                message(m -> m.startsWith("1 Loopguard finding in blocksItsLoop(): BLOCKING_CALL")))));
        events.assertThatEvents().haveExactly(1, event(test("usesItsLoopWell"), finishedSuccessfully()));
    }

    @Loopguard
    @Execution(ExecutionMode.CONCURRENT)
    static class ParallelFixture {
        static final CyclicBarrier BOTH_RUNNING = new CyclicBarrier(2);

        @Test
        void blocksItsLoop() throws Exception {
            try (EventLoop loop = EventLoop.builder().name("blocked").build()) {
                BOTH_RUNNING.await(30, TimeUnit.SECONDS);
                blockOn(loop);
                BOTH_RUNNING.await(30, TimeUnit.SECONDS);
            }
        }

        @Test
        void usesItsLoopWell() throws Exception {
            try (EventLoop loop = EventLoop.builder().name("fine").build()) {
                BOTH_RUNNING.await(30, TimeUnit.SECONDS);
                loop.submit(() -> "fine").join();
                BOTH_RUNNING.await(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @DisplayName("eventLoopThreads patterns make the test's own threads event loops, where blocking fails the test")
    void eventLoopThreads() {
        Events events = run(NamedLoopFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("blocksOnANamedLoopThread"), finishedWithFailure(message(m ->
                        m.startsWith("1 Loopguard finding in blocksOnANamedLoopThread(): BLOCKING_CALL Thread.sleep at ")
                                && m.contains("on thread 'legacy-io-1'")))))
                .haveExactly(1, event(test("blocksOnAThreadNoPatternNames"), finishedSuccessfully()));
        Events malformed = run(NamedLoopFixture.class, Map.of("loopguard.junit.eventLoopThreads", "legacy-*,,x"));
        malformed.assertThatEvents().haveExactly(1, event(test("blocksOnAThreadNoPatternNames"), finishedWithFailure(
                message("configuration parameter loopguard.junit.eventLoopThreads=legacy-*,,x is malformed (an empty "
                        + "pattern); expected thread-name patterns separated by commas, such as "
                        + "\"legacy-io-*, poller-*\"."))));
    }

    @Loopguard
    static class NamedLoopFixture {
        @Test
        @Loopguard(eventLoopThreads = "legacy-io-*, poller-*")
        void blocksOnANamedLoopThread() throws InterruptedException {
            sleepOn("legacy-io-1");
        }

        @Test
        void blocksOnAThreadNoPatternNames() throws InterruptedException {
            sleepOn("worker-io-1");
        }

        private static void sleepOn(String threadName) throws InterruptedException {
            Thread thread = new Thread(() -> {
                try {
                    LegacyClient.fetch();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, threadName);
            thread.start();
            thread.join();
        }
    }

    @Test
    @DisplayName("a loop stall fails its test from stallThreshold on, and not below it")
    void stallThreshold() {
        Events events = run(StallFixture.class);

        events.assertThatEvents()
                .haveExactly(1, event(test("stallsPastTheDefaultThreshold"), finishedWithFailure(message(m ->
                        m.startsWith("1 Loopguard finding in stallsPastTheDefaultThreshold(): LOOP_STALL at "
                                + "LoopguardExtensionTest.java:")))))
                .haveExactly(1, event(test("stallsBelowItsThreshold"), finishedSuccessfully()));
    }

    @Loopguard(failOn = "LOOP_STALL")
    static class StallFixture {
        @Test
        void stallsPastTheDefaultThreshold(EventLoop loop, Findings findings) {
            stall(loop, findings);
        }

        @Test
        @Loopguard(stallThreshold = "1m")
        void stallsBelowItsThreshold(EventLoop loop, Findings findings) {
            stall(loop, findings);
        }

        /** Busy for 400 ms on the loop, then waits for the watchdog, which records a stall once it ended. */
        private static void stall(EventLoop loop, Findings findings) {
            loop.submit(() -> {
                long end = System.nanoTime() + 400_000_000L;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return "stalled";
            }).join();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !findings.ofKind(FindingKind.LOOP_STALL)
                    .isEmpty());
        }
    }

    @Test
    @DisplayName("settings: method over class over enclosing class over configuration parameter over default; WARN and RECORD pass")
    void precedence() {
        Events byAnnotations = run(PrecedenceFixture.class);
        byAnnotations.assertThatEvents()
                .haveExactly(1, event(test("methodFailsOnBlocking"), finishedWithFailure()))
                .haveExactly(1, event(test("classOnlyFailsOnLostTasks"), finishedSuccessfully()))
                .haveExactly(1, event(test("warnOnly"), finishedSuccessfully()));

        Events byParameter = run(BlockingFixture.class, Map.of("loopguard.junit.mode", "record"));
        byParameter.assertThatEvents().haveExactly(1, event(test("blocksTheLoop"), finishedSuccessfully()));

        Events annotationOverParameter = run(ModeFixture.class, Map.of("loopguard.junit.mode", "RECORD"));
        annotationOverParameter.assertThatEvents().haveExactly(1, event(test("failsDespiteTheParameter"),
                finishedWithFailure()));

        Events nested = run(EnclosingFixture.class, Map.of("loopguard.junit.failOn", "ALL"));
        nested.assertThatEvents()
                .haveExactly(1, event(test("enclosingClassWinsOverTheParameter"), finishedSuccessfully()))
                .haveExactly(1, event(test("nestedClassWinsOverTheEnclosingOne"), finishedWithFailure(message(m ->
                        m.startsWith("1 Loopguard finding in nestedClassWinsOverTheEnclosingOne(): BLOCKING_CALL")))));
    }

    @Loopguard(failOn = "LOST_TASK")
    static class EnclosingFixture {
        @org.junit.jupiter.api.Nested
        class Inner {
            @Test
            void enclosingClassWinsOverTheParameter() {
                try (EventLoop loop = EventLoop.builder().name("n1").build()) {
                    blockOn(loop);
                }
            }
        }

        @org.junit.jupiter.api.Nested
        @Loopguard(failOn = "BLOCKING_CALL")
        class Annotated {
            @Test
            void nestedClassWinsOverTheEnclosingOne() {
                try (EventLoop loop = EventLoop.builder().name("n2").build()) {
                    blockOn(loop);
                }
            }
        }
    }

    @Loopguard(failOn = "LOST_TASK")
    static class PrecedenceFixture {
        @Test
        @Loopguard(failOn = "BLOCKING_CALL, LOST_TASK")
        void methodFailsOnBlocking() {
            try (EventLoop loop = EventLoop.builder().name("p1").build()) {
                blockOn(loop);
            }
        }

        @Test
        void classOnlyFailsOnLostTasks() {
            try (EventLoop loop = EventLoop.builder().name("p2").build()) {
                blockOn(loop);
            }
        }

        @Test
        @Loopguard(failOn = "ALL", mode = "warn")
        void warnOnly() {
            try (EventLoop loop = EventLoop.builder().name("p3").build()) {
                blockOn(loop);
            }
        }
    }

    @Loopguard(mode = "FAIL")
    static class ModeFixture {
        @Test
        void failsDespiteTheParameter() {
            try (EventLoop loop = EventLoop.builder().name("m1").build()) {
                blockOn(loop);
            }
        }
    }

    @Test
    @DisplayName("a malformed attribute or parameter fails the test before it runs, naming it, the value and the form")
    void malformedSettingsFailBeforeTheTestRuns() {
        Events attribute = run(MalformedFixture.class);
        attribute.assertThatEvents().haveExactly(1, event(test("neverRuns"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message("@Loopguard(failOn = \"BLOCKING\") is malformed ('BLOCKING' is not a finding kind); expected "
                        + "ALL, or finding kinds separated by commas such as \"BLOCKING_CALL, LOST_TASK\" "
                        + "(BLOCKING_CALL, LOOP_STALL, LOST_TASK, UNHANDLED_FAILURE, IGNORED_FUTURE, PINNED_THREAD)."))));
        assertThat(MalformedFixture.ran).isFalse();

        Events parameter = run(BlockingFixture.class, Map.of("loopguard.junit.settleTimeout", "soon"));
        parameter.assertThatEvents().haveExactly(2, event(test(), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message("configuration parameter loopguard.junit.settleTimeout=soon is malformed ('soon' is not a "
                        + "duration); expected a positive duration such as 500ms, 2s, 1.5m, 1h, 1d or PT0.5S."))));
    }

    @Loopguard
    static class MalformedFixture {
        static volatile boolean ran;

        @Test
        @Loopguard(failOn = "BLOCKING")
        void neverRuns() {
            ran = true;
        }
    }
}
