package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import dev.loopguard.core.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionEvaluationListener;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.EvaluatedCondition;

/**
 * Awaitility for {@link Loopguard} tests: a wait that fails fast, with the finding's message, as soon as the test
 * causes a finding that would fail it, instead of polling on to its timeout; and a variant on virtual time.
 *
 * <pre>{@code
 * LoopguardAwaitility.await().atMost(Duration.ofSeconds(5)).until(heater::isOn);
 * LoopguardAwaitility.await(clock).atMost(Duration.ofMinutes(10)).until(heater::isOn);  // virtual minutes
 * }</pre>
 *
 * <p>Call it on the test's thread (the test method, its {@code @BeforeEach}/{@code @AfterEach} methods). The findings
 * that stop the wait are those that would fail the test: of its {@code failOn} kinds, in mode {@code FAIL}, neither
 * allowed ({@link AllowBlocking}), nor expected ({@link ExpectFinding}), nor asserted through {@link Findings}. The
 * wait then throws the {@code AssertionError} the test would fail with at its end (the findings' message). The check
 * runs after each evaluation of the condition, through Awaitility's condition evaluation listener: setting another
 * listener on the returned factory replaces it, and the wait no longer fails fast (nor, for the virtual variant,
 * advances the clock).
 *
 * @since 0.1.0
 */
public final class LoopguardAwaitility {
    /** How far the virtual variant moves the clock between two checks of the condition, unless told otherwise. */
    public static final Duration DEFAULT_VIRTUAL_STEP = Duration.ofSeconds(1);

    private LoopguardAwaitility() {
    }

    /**
     * {@code Awaitility.await()}, failing fast on a finding of the current test. Everything else (atMost, poll
     * interval, until...) is Awaitility's, in real time.
     *
     * @throws IllegalStateException if no {@code @Loopguard} test runs on this thread
     */
    public static ConditionFactory await() {
        ActiveTest test = ActiveTest.current("LoopguardAwaitility.await()");
        return Awaitility.await().conditionEvaluationListener(new FailOnFinding(test));
    }

    /** {@link #await(VirtualClock, Duration)} with a step of {@link #DEFAULT_VIRTUAL_STEP}. */
    public static ConditionFactory await(VirtualClock clock) {
        return await(clock, DEFAULT_VIRTUAL_STEP);
    }

    /**
     * A wait on virtual time: the condition is checked on the test's thread, and each time it does not hold the
     * clock advances by {@code step} ({@code clock.advanceBy}, which returns once its loops are idle). {@code atMost}
     * is read as virtual time: when the clock has advanced that far without the condition holding, the wait fails
     * with a {@code ConditionTimeoutException} naming the virtual time; the same duration also bounds the real time,
     * as a guard against a clock that never gets there. Fails fast on a finding, like {@link #await()}.
     *
     * @param step virtual time between two checks; positive
     * @throws IllegalStateException if no {@code @Loopguard} test runs on this thread
     * @throws IllegalArgumentException if {@code step} is not positive
     */
    public static ConditionFactory await(VirtualClock clock, Duration step) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(step, "step");
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("LoopguardAwaitility.await(clock, step): step must be positive, was "
                    + step + "; use a virtual duration such as Duration.ofSeconds(1)");
        }
        ActiveTest test = ActiveTest.current("LoopguardAwaitility.await(clock)");
        Instant start = clock.instant();
        return Awaitility.await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .conditionEvaluationListener(new AdvanceClock(test, clock, step, start));
    }

    private static void failIfFound(ActiveTest test) {
        List<Finding> failing = test.failingNow();
        if (!failing.isEmpty()) {
            throw new AssertionError(FailureMessage.of(test.testMethodName(), failing));
        }
    }

    /**
     * After each check, the test's failing findings end the wait with their own message: an error thrown by the
     * listener reaches the caller as it is (Awaitility's fail-fast hook would wrap it in its own exception).
     */
    private static class FailOnFinding implements ConditionEvaluationListener<Object> {
        private final ActiveTest test;

        FailOnFinding(ActiveTest test) {
            this.test = test;
        }

        @Override
        public void conditionEvaluated(EvaluatedCondition<Object> condition) {
            failIfFound(test);
        }
    }

    /** After each unsatisfied check: the clock moves on by one step, or the wait ends when virtual atMost passed. */
    private static final class AdvanceClock extends FailOnFinding {
        private final VirtualClock clock;
        private final Duration step;
        private final Instant start;

        AdvanceClock(ActiveTest test, VirtualClock clock, Duration step, Instant start) {
            super(test);
            this.clock = clock;
            this.step = step;
            this.start = start;
        }

        @Override
        public void conditionEvaluated(EvaluatedCondition<Object> condition) {
            super.conditionEvaluated(condition);
            if (condition.isSatisfied()) {
                return;
            }
            Duration elapsed = Duration.between(start, clock.instant());
            if (!condition.isConditionRunningForever()) {
                Duration atMost = Duration.ofMillis(condition.getElapsedTimeInMS() + condition.getRemainingTimeInMS());
                if (elapsed.compareTo(atMost) >= 0) {
                    throw new ConditionTimeoutException(condition.getDescription() + " was not fulfilled within "
                            + atMost + " of virtual time (the clock advanced from " + start + " to " + clock.instant()
                            + " in steps of " + step + ")");
                }
            }
            clock.advanceBy(step);
        }
    }
}
