package dev.loopguard.examples.greenhouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers alerts to people, off the loop: a delivery (a web hook, a mail) may take seconds, so it runs on a thread
 * of its own, one at a time, in order.
 *
 * <p>When more than {@value #QUEUE} alerts wait, the caller delivers the next one itself ({@code CallerRunsPolicy}),
 * so a burst of alerts is slowed down rather than dropped. That policy has a trap: once the notifier is closed it
 * drops whatever it is given, silently, and the future {@link #send} returned never completes. Close it after
 * everything that sends has stopped ({@link Greenhouse#stop()}).
 */
public final class Notifier implements AutoCloseable {

    private static final int QUEUE = 64;

    private final Consumer<String> channel;
    private final List<String> delivered = new ArrayList<>();
    private final ThreadPoolExecutor sender;

    /** A notifier that hands each message to {@code channel} on its own thread. */
    public Notifier(Consumer<String> channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "greenhouse-notifier");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Starts delivering {@code message}; the future completes once it was delivered, or fails with why not. */
    public CompletableFuture<Void> send(String message) {
        Objects.requireNonNull(message, "message");
        return CompletableFuture.runAsync(() -> deliver(message), sender);
    }

    /** Every message delivered so far, in order. */
    public List<String> delivered() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    private void deliver(String message) {
        channel.accept(message);
        synchronized (delivered) {
            delivered.add(message);
        }
    }

    /** Delivers what was sent before, then stops; waits up to ten seconds for the deliveries. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the notifier did not deliver its last alerts within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
