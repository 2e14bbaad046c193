package dev.loopguard.agent.internal;

import dev.loopguard.agent.Finding;
import java.util.List;

/**
 * What the task, future, controller and virtual-thread detectors need from the running agent: somewhere to record
 * findings, the rule for which frames are the application's, and the controller the current thread is inside.
 * The agent adapts its runtime to this; tests pass a recording implementation.
 */
public interface DetectorContext {

    /** Records a finding; never throws. */
    void record(Finding finding);

    /** The first application frame, rendered as {@link StackTraceElement#toString()}, or null when there is none. */
    String applicationSite(StackTraceElement[] stack);

    /** The stack as the report shows it: innermost first, agent frames removed. */
    List<String> render(StackTraceElement[] stack);

    /** True for a binary class name ({@code com.acme.Repo}) that belongs to the application. */
    boolean isApplicationClass(String className);

    /** Name of the controller whose step the current thread runs, or null. */
    String currentController();

    /** Turns the detector off after an internal failure; reported once, never rethrown. */
    void detectorFailed(String detector, Throwable cause);
}
