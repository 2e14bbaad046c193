package dev.loopguard.harness;

import dev.loopguard.agent.FindingKind;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test must cause findings of this kind: it fails unless their occurrences (the sum of the matching findings'
 * counts) are between {@link #atLeast()} and {@link #atMost()}, with a message saying what was expected and what was
 * found. Findings an expectation matches do not fail the test; other findings still do.
 *
 * <p>On a test method, a test class or an enclosing class (each test of the class must then cause them); all that
 * apply to a test add up, and each is checked on its own. Repeatable. Checked before the test runs: a negative
 * {@code atLeast}, or an {@code atMost} below it, fails the test naming the values. Used with {@link Loopguard}; checked
 * in every mode.
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(ExpectFinding.List.class)
public @interface ExpectFinding {

    /** The kind of finding expected. */
    FindingKind value();

    /** The fewest occurrences that pass; 1 by default. */
    int atLeast() default 1;

    /** The most occurrences that pass; unbounded by default. */
    int atMost() default Integer.MAX_VALUE;

    /**
     * Only findings whose site contains this text count ({@code "HeaterController.java:42"},
     * {@code "HeaterController.turnOn("}); empty, the default, matches every site.
     */
    String site() default "";

    /** Holds repeated {@link ExpectFinding} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @interface List {
        ExpectFinding[] value();
    }
}
