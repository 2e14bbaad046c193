package dev.loopguard.core;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** How the async utilities unwrap, combine and cancel: one place, so every utility reports failures alike. */
final class AsyncFailures {

    private AsyncFailures() {
    }

    /**
     * The failure the user's code raised, without the {@link CompletionException} / {@link ExecutionException}
     * wrappers that {@link java.util.concurrent.CompletableFuture} adds when a failure travels through dependent stages.
     */
    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * Attaches {@code others} to {@code primary} as suppressed exceptions, skipping {@code primary} itself and
     * instances already attached: an operation that fails with one shared exception object twice must not make
     * {@link Throwable#addSuppressed} throw "Self-suppression not permitted".
     */
    static <X extends Throwable> X attach(X primary, List<? extends Throwable> others) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(primary);
        Collections.addAll(seen, primary.getSuppressed());
        for (Throwable other : others) {
            if (seen.add(other)) {
                primary.addSuppressed(other);
            }
        }
        return primary;
    }

    /**
     * Cancels a stage when it is also a {@link Future} that allows it. A plain {@link CompletionStage} has no
     * cancellation; calling {@code toCompletableFuture()} on it would only cancel a copy, or throw for minimal stages.
     * The JDK's minimal stage ({@link java.util.concurrent.CompletableFuture#minimalCompletionStage()}) is a
     * {@code Future} whose {@code isDone} and {@code cancel} throw {@link UnsupportedOperationException}: it is left to
     * finish, like any stage that cannot be cancelled, and never stops the caller from cancelling the others.
     */
    static void cancel(CompletionStage<?> stage) {
        if (stage instanceof Future<?> future) {
            try {
                if (!future.isDone()) {
                    future.cancel(true);
                }
            } catch (UnsupportedOperationException cannotBeCancelled) {
                // Left to finish, as documented for stages without cancellation.
            }
        }
    }

    /**
     * Cancels every stage that allows it, going on past one whose own {@code cancel} throws; the first such failure
     * is rethrown once all were tried, the others attached to it.
     */
    static void cancelAll(Iterable<? extends CompletionStage<?>> stages) {
        RuntimeException first = null;
        for (CompletionStage<?> stage : stages) {
            try {
                cancel(stage);
            } catch (RuntimeException failure) {
                if (first == null) {
                    first = failure;
                } else if (first != failure) {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
