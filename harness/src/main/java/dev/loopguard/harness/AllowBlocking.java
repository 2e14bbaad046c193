package dev.loopguard.harness;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Blocking inside {@link #type()}'s {@link #method()}, and in whatever it calls, is not a finding for the annotated
 * tests: a {@code BLOCKING_CALL} whose stack passes through that method does not fail them (the agent still records
 * it, and its report still shows it).
 *
 * <p>A lambda counts as the method that wrote it: {@code method = "refresh"} also allows the body of a lambda written
 * in {@code refresh} (compiled as {@code lambda$refresh$0}), which BlockHound users have to spell out. {@code "*"}
 * allows every method of the type.
 *
 * <p>On a test method, a test class or an enclosing class; all that apply to a test add up. Repeatable. Checked
 * before the test runs: a type that declares no method of that name, or an empty reason, fails the test naming the
 * annotation, the value and the accepted form. Used with {@link Loopguard}.
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(AllowBlocking.List.class)
public @interface AllowBlocking {

    /** The class whose method may block. */
    Class<?> type();

    /** The method's name (all overloads), or {@code "*"} for every method of {@link #type()}. */
    String method() default "*";

    /** Why blocking there is acceptable; shown nowhere else, required so that the next reader knows. */
    String reason();

    /** Holds repeated {@link AllowBlocking} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @interface List {
        AllowBlocking[] value();
    }
}
