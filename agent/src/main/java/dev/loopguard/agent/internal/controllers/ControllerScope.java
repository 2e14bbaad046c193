package dev.loopguard.agent.internal.controllers;

import dev.loopguard.agent.Finding;

/**
 * The controller whose step the current thread is running, so that a finding raised inside it (a blocking call in
 * {@code loop()}, a dropped future) names it. Set and cleared by the controller advice around each step.
 */
public final class ControllerScope {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private ControllerScope() {
    }

    /** The controller the current thread is inside, or null. */
    public static String current() {
        return CURRENT.get();
    }

    /** The finding, naming the current thread's controller when it does not name one yet. */
    public static Finding attach(Finding finding) {
        String controller = CURRENT.get();
        if (controller == null || finding.controller().isPresent()) {
            return finding;
        }
        return finding.toBuilder().controller(controller).build();
    }

    /** Enters {@code name}; returns the previous scope for {@link #restore}. */
    static String enter(String name) {
        String previous = CURRENT.get();
        CURRENT.set(name);
        return previous;
    }

    static void restore(String previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
