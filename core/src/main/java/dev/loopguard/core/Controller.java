package dev.loopguard.core;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Something that samples, decides or actuates every period, run by a {@link ControllerRunner} on an
 * {@link EventLoop}: the Mycodo controller model.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>{@code initialize} runs once, the first time the controller is started; if it fails, the start fails and
 *       the controller is {@link ControllerState#FAILED FAILED};</li>
 *   <li>{@code start} runs at every start (including a start after a stop);</li>
 *   <li>{@code loop} runs every sample period while the controller runs; a failing iteration is recorded and the
 *       controller carries on at its next period;</li>
 *   <li>{@code stop} runs when the controller is stopped, after its in-flight iteration was cancelled;</li>
 *   <li>{@code healthCheck} runs when someone asks the runner for the controller's {@link Health}.</li>
 * </ol>
 *
 * <h2>Asynchronous or plain: pick one per step</h2>
 * Every step exists twice: as an asynchronous method ({@code loopAsync()}) returning a {@link CompletionStage}, and as
 * a plain method ({@code loop()}). Override the one that fits:
 * <ul>
 *   <li>the <b>asynchronous</b> method is called <b>on the loop thread</b>; it must not block, and its stage says when
 *       the step is over;</li>
 *   <li>the <b>plain</b> method may block (I/O, a sensor read): the runner calls it <b>off the loop</b>, through
 *       {@link EventLoop#offload(java.util.concurrent.Callable)}, and never on the loop thread. It is interrupted when
 *       the controller is stopped while it runs.</li>
 * </ul>
 * The runner finds out, once at registration, which of the two a class overrides. When both are overridden the
 * asynchronous one is used. A controller must override {@code loop()} or {@code loopAsync()}; every other step is
 * optional and does nothing unless overridden.
 *
 * <p>The default asynchronous methods call the plain method on the caller's thread and return its outcome as a
 * completed stage; they exist for code that calls a controller directly. The runner never calls them for a controller
 * that overrides only the plain method.
 *
 * <pre>{@code
 * final class GreenhouseFan implements Controller {
 *     private final TemperatureSensor sensor;   // blocking driver
 *     private final Fan fan;
 *
 *     public void loop() throws IOException {   // plain: runs off the loop
 *         fan.set(sensor.readCelsius() > 28.0);
 *     }
 *
 *     public Health.Status healthCheck() {
 *         return sensor.isConnected() ? Health.Status.UP : Health.Status.DOWN;
 *     }
 * }
 * runner.register("greenhouse-fan", new GreenhouseFan(sensor, fan), Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Tools that instrument controllers (the Loopguard agent) rely on the method names {@code loop} and
 * {@code loopAsync} of this interface.
 */
public interface Controller {

    /** Prepares the controller; runs once, before the first {@link #start()}. Plain variant: runs off the loop. */
    default void initialize() throws Exception {
    }

    /** Asynchronous variant of {@link #initialize()}; runs on the loop thread. */
    default CompletionStage<Void> initializeAsync() {
        return Controller.completedBy(() -> {
            initialize();
            return null;
        });
    }

    /** Runs at every start, after {@link #initialize()}. Plain variant: runs off the loop. */
    default void start() throws Exception {
    }

    /** Asynchronous variant of {@link #start()}; runs on the loop thread. */
    default CompletionStage<Void> startAsync() {
        return Controller.completedBy(() -> {
            start();
            return null;
        });
    }

    /**
     * One iteration, run every sample period. Plain variant: runs off the loop and may block. An iteration that is
     * still running when the next period is due makes the runner skip that period.
     */
    default void loop() throws Exception {
    }

    /** Asynchronous variant of {@link #loop()}; runs on the loop thread and must not block. */
    default CompletionStage<Void> loopAsync() {
        return Controller.completedBy(() -> {
            loop();
            return null;
        });
    }

    /** Releases what the controller holds; runs at every stop. Plain variant: runs off the loop. */
    default void stop() throws Exception {
    }

    /** Asynchronous variant of {@link #stop()}; runs on the loop thread. */
    default CompletionStage<Void> stopAsync() {
        return Controller.completedBy(() -> {
            stop();
            return null;
        });
    }

    /**
     * The controller's own view of its health, e.g. whether its sensor answers. Throwing counts as
     * {@link Health.Status#DOWN}. The runner combines this with what it observed (failures, lifecycle state) into a
     * {@link Health}. Plain variant: runs off the loop.
     */
    default Health.Status healthCheck() throws Exception {
        return Health.Status.UP;
    }

    /** Asynchronous variant of {@link #healthCheck()}; runs on the loop thread. */
    default CompletionStage<Health.Status> healthCheckAsync() {
        try {
            return CompletableFuture.completedFuture(healthCheck());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletionStage<Void> completedBy(Callable<Void> step) {
        try {
            step.call();
            return CompletableFuture.completedFuture(null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
