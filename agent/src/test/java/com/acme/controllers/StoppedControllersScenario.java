package com.acme.controllers;

import dev.loopguard.core.Controller;
import dev.loopguard.core.ControllerRunner;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.Health;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two asynchronous controllers on core's real runner that fail twice, are checked, and are then stopped while their
 * third iteration is still in flight: the runner cancels that iteration's stage, which is how a stop ends it and not a
 * failure. One is stopped by name, the other by {@code stopAll()} (the greenhouse demo's way). Prints each
 * controller's failure count from its health check, for the test to compare with the agent's profile.
 */
public final class StoppedControllersScenario {

    private StoppedControllersScenario() {
    }

    public static void main(String[] args) throws Exception {
        Climate climate = new Climate();
        Climate irrigation = new Climate();
        try (EventLoop loop = EventLoop.create()) {
            ControllerRunner runner = ControllerRunner.on(loop)
                    .register("climate", climate, Duration.ofMillis(5))
                    .register("irrigation", irrigation, Duration.ofMillis(5));
            runner.startAll().get(10, TimeUnit.SECONDS);
            if (!climate.inFlight.await(30, TimeUnit.SECONDS) || !irrigation.inFlight.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the controllers did not reach their third iteration");
            }
            for (String name : new String[] {"climate", "irrigation"}) {
                Health health = runner.healthCheck(name).get(10, TimeUnit.SECONDS);
                System.out.println("health " + name + " failures " + health.failures());
            }
            runner.stop("climate", Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
            runner.stopAll().get(20, TimeUnit.SECONDS);
        }
        System.out.println("scenario done");
    }

    /** Fails its first two iterations; the third waits for a reading that never comes, until the runner stops it. */
    static final class Climate implements Controller {
        final CountDownLatch inFlight = new CountDownLatch(1);
        private int loops;

        @Override
        public CompletionStage<Void> loopAsync() {
            loops++;
            if (loops <= 2) {
                return CompletableFuture.failedFuture(new IOException("humidity sensor offline"));
            }
            inFlight.countDown();
            return new CompletableFuture<>();
        }
    }
}
