package dev.loopguard.harness;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Turns the Loopguard agent's findings into test failures, each charged to the test whose work caused it.
 *
 * <h2>What it does</h2>
 * Before the first test of the class the agent is made to run: nothing happens when the JVM was started with
 * {@code -javaagent:loopguard-agent.jar}; otherwise the agent attaches to the running JVM
 * ({@code LoopguardAgent.install()}, with {@code tasks=full} unless the {@code loopguard.tasks} system property says
 * otherwise). Each test runs inside its own agent scope ({@code LoopguardAgent.openScope}), opened before the
 * {@code @BeforeEach} methods and closed after the test's {@code @AfterEach} methods: futures the test creates and
 * tasks it queues on core event loops carry the scope, so a finding they cause names this test wherever and whenever
 * it is found.
 *
 * <h2>Judging a test</h2>
 * After the test and its {@code @AfterEach} methods, the extension settles: it reports the core event-loop tasks the
 * test queued and left pending ({@code LOST_TASK}), and, only while futures the test created are still tracked, it
 * triggers a collection and waits, at most {@link #settleTimeout()}, for the agent to judge them. Then the test fails
 * (mode {@code FAIL}) when findings of the {@link #failOn()} kinds are charged to it; the message lists each finding
 * with its thread, operation or exception, the line of the test's code, a trimmed stack and what to do instead.
 * A finding that surfaces after its test was judged fails the class (in {@code afterAll}), naming the test that
 * caused it; it is never charged to the test running when it surfaced.
 *
 * <h2>Precedence</h2>
 * Each attribute is resolved on its own: a value set on the test method wins over one on its class, which wins over
 * one on an enclosing class ({@code @Nested}), which wins over the configuration parameter (for example in
 * {@code junit-platform.properties}), which wins over the default. An attribute left at its default ({@code ""}) is
 * not set. The annotation is {@link Inherited} and may be used as a meta-annotation.
 *
 * <h2>Configuration parameters</h2>
 * <ul>
 *   <li>{@value LoopguardConfiguration#FAIL_ON_KEY}: as {@link #failOn()};</li>
 *   <li>{@value LoopguardConfiguration#MODE_KEY}: as {@link #mode()};</li>
 *   <li>{@value LoopguardConfiguration#STALL_THRESHOLD_KEY}: as {@link #stallThreshold()};</li>
 *   <li>{@value LoopguardConfiguration#EVENT_LOOP_THREADS_KEY}: as {@link #eventLoopThreads()};</li>
 *   <li>{@value LoopguardConfiguration#SETTLE_TIMEOUT_KEY}: as {@link #settleTimeout()}.</li>
 * </ul>
 * The keys live under {@code loopguard.junit.} rather than {@code loopguard.}: JUnit falls back to system properties
 * for configuration parameters, and {@code loopguard.*} system properties are the agent's own options.
 *
 * <h2>Validation</h2>
 * A malformed attribute or configuration parameter fails the test before it runs, with a message naming the attribute
 * or key, the value, and the accepted form. An agent that cannot attach (a JRE without {@code jdk.attach}) fails the
 * class with the {@code -javaagent} route spelled out.
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LoopguardExtension.class)
public @interface Loopguard {

    /**
     * The finding kinds that fail the test, separated by commas ({@code "BLOCKING_CALL, LOST_TASK"}), or {@code ALL}
     * (the default when nothing sets it): {@code BLOCKING_CALL}, {@code LOOP_STALL}, {@code LOST_TASK},
     * {@code UNHANDLED_FAILURE}, {@code IGNORED_FUTURE}, {@code PINNED_THREAD}. Other findings are reported with
     * the test (mode {@code WARN}) but do not fail it.
     */
    String failOn() default "";

    /**
     * What happens to a test with findings of the {@link #failOn()} kinds: {@code FAIL} (the default: the test
     * fails), {@code WARN} (the findings are published as a report entry and printed on stderr, the test passes) or
     * {@code RECORD} (they are only in the agent's findings and report). Case-insensitive.
     */
    String mode() default "";

    /**
     * The shortest {@code LOOP_STALL} that fails the test, in the same duration form as {@link #settleTimeout()}
     * ({@code 100ms} when nothing sets it, the agent's own default): shorter stalls are reported with the test like
     * findings of other kinds. The agent reports no stall shorter than its own {@code stallThreshold} option
     * ({@code loopguard.stallThreshold}, JVM-wide), so a lower value here has no effect.
     */
    String stallThreshold() default "";

    /**
     * Extra event-loop thread-name patterns, separated by commas ({@code "legacy-io-*, poller-*"}; {@code *} matches
     * any run of characters): threads so named are event loops, where blocking is a finding. Added to the agent's
     * JVM-wide {@code eventLoopThreads} before the test's {@code @BeforeEach} methods, and kept for the rest of the
     * JVM; a thread the agent has already seen keeps what it was classified as, so they apply to threads the test
     * starts. Resolved like the other attributes: the nearest setting wins, it does not add up with farther ones.
     */
    String eventLoopThreads() default "";

    /**
     * How long, in real time, settling may wait for the agent to judge futures the test created that are still
     * tracked: a positive number followed at once by {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms}, the
     * default when nothing sets it; {@code 2s}; {@code 1.5m}), or ISO-8601 ({@code PT0.5S}). Only when such futures
     * exist, the extension triggers one collection and waits while the agent judges those the collection found
     * unreachable; futures still reachable are not waited for.
     */
    String settleTimeout() default "";
}
