package dev.loopguard.core;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * How one task ended: with a value ({@link Success}) or with a failure ({@link Failure}). This is the element type of
 * {@link Async#gatherSettled(java.util.List)}, which, like Python's {@code asyncio.gather(..., return_exceptions=True)},
 * reports every outcome instead of failing on the first error.
 *
 * <p>A task that was cancelled ends as a {@link Failure} whose error is a {@link CancellationException}. The error is
 * the task's own exception, never the {@link CompletionException} wrapper that dependent stages add.
 *
 * <pre>{@code
 * for (Outcome<Reading> outcome : Async.gatherSettled(reads).join()) {
 *     if (outcome instanceof Outcome.Success<Reading> ok) {
 *         store(ok.value());
 *     } else if (outcome instanceof Outcome.Failure<Reading> failed) {
 *         log.warn("sensor read failed", failed.error());
 *     }
 * }
 * }</pre>
 *
 * @param <T> the type of the value on success
 */
public sealed interface Outcome<T> permits Outcome.Success, Outcome.Failure {

    /** An outcome holding {@code value}, which may be {@code null} (a task may legitimately complete with null). */
    static <T> Outcome<T> success(T value) {
        return new Success<>(value);
    }

    /** An outcome holding {@code error}; {@code error} must not be null. */
    static <T> Outcome<T> failure(Throwable error) {
        return new Failure<>(error);
    }

    /** True for {@link Success}. */
    boolean isSuccess();

    /** True for {@link Failure}. */
    default boolean isFailure() {
        return !isSuccess();
    }

    /**
     * The value of a {@link Success}; for a {@link Failure}, throws its {@link CancellationException} as is, or a
     * {@link CompletionException} whose cause is the error (the contract of
     * {@link java.util.concurrent.CompletableFuture#join()}).
     */
    T getOrThrow();

    /** A task that completed with a value. */
    record Success<T>(T value) implements Outcome<T> {
        @Override
        public boolean isSuccess() {
            return true;
        }

        @Override
        public T getOrThrow() {
            return value;
        }
    }

    /** A task that failed or was cancelled; {@code error} is never null. */
    record Failure<T>(Throwable error) implements Outcome<T> {
        public Failure {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public boolean isSuccess() {
            return false;
        }

        @Override
        public T getOrThrow() {
            if (error instanceof CancellationException cancelled) {
                throw cancelled;
            }
            throw new CompletionException("task failed: " + error, error);
        }
    }
}
