package com.acme.loops;

import io.vertx.core.Vertx;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A sleep on a Vert.x event loop (reported) and in executeBlocking on a worker (not). Runs on Vert.x 4 and 5. */
public final class VertxLoops {
    private VertxLoops() {
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Object> onLoop = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                try {
                    onLoop.complete(vertxEventLoopSleep());
                } catch (Throwable e) {
                    onLoop.completeExceptionally(e);
                }
            });
            onLoop.get(30, TimeUnit.SECONDS);
            vertx.executeBlocking(VertxLoops::vertxWorkerSleep).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        try (java.io.InputStream version = Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
            System.out.println("vertx " + new String(version.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim());
        }
        System.out.println("scenario done");
    }

    static String vertxEventLoopSleep() throws InterruptedException {
        Thread.sleep(1);
        return "event loop";
    }

    static String vertxWorkerSleep() throws InterruptedException {
        Thread.sleep(1);
        return "worker";
    }
}
