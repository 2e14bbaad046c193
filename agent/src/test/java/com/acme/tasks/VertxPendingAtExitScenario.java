package com.acme.tasks;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Handlers given to a Vert.x event-loop context that is still busy with an earlier handler when the JVM exits: they
 * never run. A handler that ran before is not lost. Runs on Vert.x 4 and 5; exits with {@code System.exit}.
 */
public final class VertxPendingAtExitScenario {

    private VertxPendingAtExitScenario() {
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        Context context = vertx.getOrCreateContext();
        ranBeforeExit(context);
        CountDownLatch busy = new CountDownLatch(1);
        context.runOnContext(v -> occupyTheLoop(busy));
        if (!busy.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the context did not start its busy handler");
        }
        handedToABusyContext(context);
        try (java.io.InputStream version = Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
            System.out.println("vertx " + new String(version.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim());
        }
        System.out.println("scenario done");
        System.exit(0);
    }

    static void ranBeforeExit(Context context) throws Exception {
        CompletableFuture<String> ran = new CompletableFuture<>();
        context.runOnContext(v -> ran.complete("ran"));
        ran.get(30, TimeUnit.SECONDS);
    }

    static void handedToABusyContext(Context context) {
        context.runOnContext(v -> System.out.println("never printed"));
    }

    /** Keeps the event loop busy until the JVM exits (no blocking call: it spins). */
    private static void occupyTheLoop(CountDownLatch busy) {
        busy.countDown();
        long n = 0;
        while (true) {
            n += Long.numberOfTrailingZeros(n + System.nanoTime());
            Thread.onSpinWait();
        }
    }
}
