package dev.loopguard.harness;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test on virtual time: its {@link dev.loopguard.core.VirtualClock} and {@link dev.loopguard.core.EventLoop}
 * parameters are injected, time moves only when the test calls {@code clock.advanceBy(...)}, and a simulated hour of
 * a controller costs microseconds.
 *
 * <h2>Parameters</h2>
 * Test methods and {@code @BeforeEach}/{@code @AfterEach} methods may declare parameters of type
 * {@code VirtualClock} and {@code EventLoop}. Within one test, every parameter of a type is the same instance; the
 * loop runs on the clock, is named after the test method ({@code <method>-loop}), and is new for each test.
 *
 * <h2>What fails the test</h2>
 * When the test method returns, the loop is closed and the test fails if, during the test,
 * <ul>
 *   <li>a task given to {@code execute}, or a periodic task, threw an exception that nothing handled
 *       ({@link #failOnUncaughtExceptions()}): the failure would go unnoticed in production as well; or</li>
 *   <li>a task that was queued or scheduled never ran ({@link #failOnUnrunTasks()}), because the test did not advance
 *       the clock far enough or left work behind. Periodic tasks, which are expected to stop with the loop, are not
 *       counted.</li>
 * </ul>
 * Failures are reported at the end of the test, as kotlinx-coroutines-test does, with the task, the loop and what to
 * do instead.
 *
 * <h2>Precedence</h2>
 * An annotation on the test method wins over one on its class, which wins over one on an enclosing class
 * ({@code @Nested}). The annotation is {@link Inherited} and may be used as a meta-annotation.
 *
 * <h2>Validation</h2>
 * Attribute values are checked before the test runs; a malformed value fails the test with a message that names the
 * attribute, the value and the accepted form.
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(VirtualTimeExtension.class)
public @interface VirtualTime {

    /** The instant the virtual clock starts at, as ISO-8601 ({@code 2026-01-01T00:00:00Z}, the default). */
    String start() default "2026-01-01T00:00:00Z";

    /**
     * How long, in real time, one clock step may wait for the loop to become idle before the test fails instead of
     * hanging, in the toolkit's one duration syntax ({@link dev.loopguard.core.Durations#parse}): a decimal followed at
     * once by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 10s}, the default,
     * {@code 1.5m}), or ISO-8601 such as {@code PT10S}; positive.
     */
    String idleTimeout() default "10s";

    /** Whether tasks that never ran before the test ended fail it; {@code true} by default. */
    boolean failOnUnrunTasks() default true;

    /** Whether exceptions thrown by tasks and handled by nobody fail the test; {@code true} by default. */
    boolean failOnUncaughtExceptions() default true;
}
