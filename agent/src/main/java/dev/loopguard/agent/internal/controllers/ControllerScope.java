package dev.loopguard.agent.internal.controllers;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.internal.recording.FindingEnricher;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller whose step the current thread is running, so that a finding raised inside it (a blocking call in
 * {@code loop()}, a dropped future) names it. Set and cleared by the controller hook around each step.
 *
 * <p>The scope is also readable from other threads ({@link #of(Thread)}): the stall watchdog samples a loop thread
 * from its own thread and must name the controller the stalled thread was inside. A thread has an entry only while
 * it is inside a step, so the map holds at most one entry per thread running a controller step at that moment.
 */
public final class ControllerScope {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    private static final Map<Thread, String> BY_THREAD = new ConcurrentHashMap<>();

    private ControllerScope() {
    }

    /** The controller the current thread is inside, or null. */
    public static String current() {
        return CURRENT.get();
    }

    /** The controller {@code thread} is inside right now, or null; safe from any thread. */
    public static String of(Thread thread) {
        return thread == null ? null : BY_THREAD.get(thread);
    }

    /** The finding, naming the current thread's controller when it does not name one yet. */
    static Finding attach(Finding finding) {
        String controller = CURRENT.get();
        if (controller == null || finding.controller().isPresent()) {
            return finding;
        }
        return finding.toBuilder().controller(controller).build();
    }

    /** Names the current thread's controller in every finding raised inside a step; registered with the recorder. */
    static final class Enricher implements FindingEnricher {
        @Override
        public Finding enrich(Finding finding) {
            return attach(finding);
        }
    }

    /** Enters {@code name}; returns the previous scope for {@link #restore}. */
    static String enter(String name) {
        String previous = CURRENT.get();
        CURRENT.set(name);
        publish(name);
        return previous;
    }

    static void restore(String previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
        publish(previous);
    }

    private static void publish(String name) {
        if (name == null) {
            BY_THREAD.remove(Thread.currentThread());
        } else {
            BY_THREAD.put(Thread.currentThread(), name);
        }
    }
}
