package dev.loopguard.core;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A blocking call handed to {@link EventLoop#offload(Callable)} that can be interrupted while it runs and that says
 * when the user's code has really returned.
 *
 * <p>Cancelling the offload future alone says nothing about the worker thread, which may still be inside the call;
 * stopping a controller or task must wait for the call itself, hence {@link #finished()}.
 */
final class InterruptibleCall<T> implements Callable<T> {

    private final Callable<T> body;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private Thread worker;
    private boolean cancelled;
    private boolean started;

    InterruptibleCall(Callable<T> body) {
        this.body = body;
    }

    @Override
    public T call() throws Exception {
        synchronized (this) {
            if (cancelled) {
                throw new CancellationException("cancelled before the offloaded call started");
            }
            started = true;
            worker = Thread.currentThread();
        }
        try {
            return body.call();
        } finally {
            synchronized (this) {
                worker = null;
                // An interrupt aimed at this call must not leak into the next job of the pooled worker.
                Thread.interrupted();
            }
            finished.complete(null);
        }
    }

    /** Interrupts the worker if the call is running; if it has not started yet, it never will. */
    synchronized void cancel() {
        cancelled = true;
        if (worker != null) {
            worker.interrupt();
        } else if (!started) {
            finished.complete(null);
        }
    }

    /** Completes when the body has returned or thrown, or when the call was cancelled before it started. */
    CompletableFuture<Void> finished() {
        return finished;
    }
}
