package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.Controller;
import dev.loopguard.core.LoopClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notices inputs that went quiet: an input whose latest value is older than its limit raises an alert, and the alert
 * is cleared when the input answers again. Alerts are kept ({@link #alerts()}) and sent through the {@link Notifier}.
 *
 * <p>A sensor that fails reads, or a bus that hangs, shows up the same way: no fresh value. The controllers that use
 * the input fail safe on their own; this one tells a person.
 */
final class AlertController implements Controller {

    /** One alert raised or cleared, at a time on the loop's clock. */
    record Alert(Instant at, String input, boolean raised, String message) {
    }

    private final Measurements measurements;
    private final Map<String, Duration> staleAfter;
    private final LoopClock clock;
    private final Notifier notifier;
    private final boolean dropDeliveries;
    private final List<Alert> alerts = new ArrayList<>();
    private final Map<String, Boolean> raised = new LinkedHashMap<>();
    private final Instant startedAt;
    /** Counted on whichever thread the delivery failed on: the notifier's, or the loop's when it ran it itself. */
    private final AtomicLong failedDeliveries = new AtomicLong();

    /**
     * @param staleAfter for each input, how old its latest value may be
     * @param dropDeliveries the {@link Bug#IGNORED} mistake: send each alert and drop the future of its delivery
     */
    AlertController(Measurements measurements, Map<String, Duration> staleAfter, LoopClock clock, Notifier notifier,
                    boolean dropDeliveries) {
        this.measurements = Objects.requireNonNull(measurements, "measurements");
        this.staleAfter = new LinkedHashMap<>(staleAfter);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.dropDeliveries = dropDeliveries;
        this.startedAt = clock.instant();
    }

    @Override
    public CompletionStage<Void> loopAsync() {
        Instant now = clock.instant();
        for (Map.Entry<String, Duration> input : staleAfter.entrySet()) {
            String name = input.getKey();
            Instant last = measurements.lastReadingAt(name).orElse(startedAt);
            Duration age = Duration.between(last, now);
            boolean stale = age.compareTo(input.getValue()) > 0;
            if (stale != raised.getOrDefault(name, false)) {
                raised.put(name, stale);
                String message = stale
                        ? "input '" + name + "' has given no value for " + text(age) + " (limit "
                                + text(input.getValue()) + "); the controllers that use it fail safe"
                        : "input '" + name + "' answers again";
                Alert alert = new Alert(now, name, stale, message);
                alerts.add(alert);
                notify(alert);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> stopAsync() {
        // The last word: whoever watches the alerts learns that nothing is watching the greenhouse any more.
        deliver("greenhouse controllers stopping at " + clock.instant() + "; "
                + raised.values().stream().filter(b -> b).count() + " alert(s) still raised");
        return CompletableFuture.completedFuture(null);
    }

    private void notify(Alert alert) {
        String message = (alert.raised() ? "ALERT " : "cleared ") + alert.message();
        if (dropDeliveries) {
            notifier.send(message);
        } else {
            deliver(message);
        }
    }

    private void deliver(String message) {
        notifier.send(message).exceptionally(failure -> {
            failedDeliveries.incrementAndGet();
            return null;
        });
    }

    /** Every alert raised or cleared so far, in order; read it on the loop or between clock steps. */
    List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    /** The alerts that are raised now, by input. */
    List<String> raisedNow() {
        return raised.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    /** How many deliveries failed. */
    long failedDeliveries() {
        return failedDeliveries.get();
    }

    static String text(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s";
    }

}
