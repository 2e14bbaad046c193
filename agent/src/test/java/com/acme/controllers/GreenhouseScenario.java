package com.acme.controllers;

import dev.loopguard.core.Controller;
import dev.loopguard.core.ControllerRunner;
import dev.loopguard.core.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two controllers on one core EventLoop: a fan whose plain loop sometimes fails and once runs slow, and a mixer
 * whose asynchronous loop blocks the loop thread and drops a future. Run with {@code stallThreshold=50ms}.
 */
public final class GreenhouseScenario {

    private GreenhouseScenario() {
    }

    public static void main(String[] args) throws Exception {
        Fan fan = new Fan();
        Mixer mixer = new Mixer();
        Valve valve = new Valve();
        Kiln kiln = new Kiln();
        try (EventLoop loop = EventLoop.create()) {
            ControllerRunner runner = ControllerRunner.on(loop)
                    .register("greenhouse-fan", fan, Duration.ofMillis(10))
                    .register("mixer", mixer, Duration.ofMillis(10))
                    .register("valve", valve, Duration.ofMillis(10))
                    .register("kiln", kiln, Duration.ofMillis(10));
            runner.startAll().get(10, TimeUnit.SECONDS);
            if (!fan.sixLoops.await(30, TimeUnit.SECONDS) || !mixer.threeLoops.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("controllers did not loop");
            }
            if (!valve.failedOnce.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the valve did not loop");
            }
            if (!kiln.stalledOnce.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the kiln did not loop");
            }
            runner.stopAll().get(10, TimeUnit.SECONDS);
            loop.submit(GreenhouseScenario::stallOutsideControllers).get(30, TimeUnit.SECONDS);
            runner.healthCheck("valve").get(10, TimeUnit.SECONDS); // the valve's failure is read; the fan's are not
        }
        System.out.println("scenario done");
    }

    /**
     * A stall on the same loop thread but in no controller step: its finding names no controller. The busy loop is
     * written out here (not shared with the kiln) so that each stall's first application frame, its site, differs.
     */
    private static long stallOutsideControllers() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long n = 0;
        while (System.nanoTime() - end < 0) {
            n += Long.numberOfTrailingZeros(n + System.nanoTime());
        }
        return n;
    }

    /** Asynchronous loop that keeps the loop thread busy, once, far beyond the stall threshold. */
    static final class Kiln implements Controller {
        final CountDownLatch stalledOnce = new CountDownLatch(1);

        @Override
        public CompletionStage<Void> loopAsync() {
            if (stalledOnce.getCount() > 0) {
                fire();
                stalledOnce.countDown();
            }
            return CompletableFuture.completedFuture(null);
        }

        /** Busy (no blocking call) for 200 ms on the loop thread: a stall, and nothing else. */
        private static long fire() {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            long n = 0;
            while (System.nanoTime() - end < 0) {
                n += Long.numberOfTrailingZeros(n + System.nanoTime());
            }
            return n;
        }
    }

    /** Plain loop: runs off the loop thread, may block. */
    static final class Fan implements Controller {
        final CountDownLatch sixLoops = new CountDownLatch(6);
        private final AtomicInteger loops = new AtomicInteger();

        @Override
        public void loop() throws Exception {
            int n = loops.incrementAndGet();
            sixLoops.countDown();
            if (n == 2) {
                TimeUnit.MILLISECONDS.sleep(80); // a slow sensor read: allowed off the loop, but a slow loop
            }
            if (n % 3 == 0) {
                throw new IOException("sensor offline");
            }
        }
    }

    /** Fails its first loop; the scenario reads its health afterwards. */
    static final class Valve implements Controller {
        final CountDownLatch failedOnce = new CountDownLatch(1);

        @Override
        public void loop() {
            if (failedOnce.getCount() > 0) {
                failedOnce.countDown();
                throw new IllegalStateException("valve stuck");
            }
        }
    }

    /** Asynchronous loop: runs on the loop thread and must not block. */
    static final class Mixer implements Controller {
        final CountDownLatch threeLoops = new CountDownLatch(3);

        @Override
        public CompletionStage<Void> loopAsync() {
            threeLoops.countDown();
            stir(); // drops the future of an application method
            settle();
            return CompletableFuture.completedFuture(null);
        }

        private static void settle() {
            try {
                Thread.sleep(1); // blocks the event loop: a finding that names the controller
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static CompletableFuture<Void> stir() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
