package com.acme.loops;

import io.vertx.core.Vertx;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reactor's non-blocking schedulers (parallel, single) are event loops and boundedElastic is not; a Vert.x event
 * loop is one (it is a Netty event loop) and a Vert.x worker running executeBlocking is not.
 */
public final class ReactorAndVertxLoops {
    private ReactorAndVertxLoops() {
    }

    public static void main(String[] args) throws Exception {
        Mono.fromCallable(ReactorAndVertxLoops::parallelSleep).subscribeOn(Schedulers.parallel())
                .block(Duration.ofSeconds(30));
        Mono.fromCallable(ReactorAndVertxLoops::singleSleep).subscribeOn(Schedulers.single())
                .block(Duration.ofSeconds(30));
        Mono.fromCallable(ReactorAndVertxLoops::boundedElasticSleep).subscribeOn(Schedulers.boundedElastic())
                .block(Duration.ofSeconds(30));

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
            vertx.executeBlocking(ReactorAndVertxLoops::vertxWorkerSleep).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Schedulers.shutdownNow();
        System.out.println("scenario done");
    }

    static String parallelSleep() throws InterruptedException {
        Thread.sleep(1);
        return "parallel";
    }

    static String singleSleep() throws InterruptedException {
        Thread.sleep(1);
        return "single";
    }

    static String boundedElasticSleep() throws InterruptedException {
        Thread.sleep(1);
        return "boundedElastic";
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
