package dev.loopguard.agent.internal;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.internal.loops.ThreadClassifier;
import java.util.List;

/**
 * What a detector needs from the running agent, and the one way every detector is wired: somewhere to record
 * findings, whether the detector is still on, the rule for which frames are the application's, the threads the agent
 * classifies, and the controller the current thread is inside. A detector takes a context and its own settings in
 * its constructor, never the runtime. The agent adapts its runtime to this ({@code RuntimeDetectorContext}); tests
 * pass a recording implementation.
 */
public interface DetectorContext {

    /**
     * Records a finding; never throws.
     *
     * @return whether its site is kept (false when its kind already has its maximum of sites and it was only counted)
     */
    boolean record(Finding finding);

    /**
     * Records one more occurrence of a finding that {@link #record} kept, known by the recorder's key for it
     * ({@code FindingRecorder.key}), without rebuilding anything; never throws.
     */
    void repeat(Finding finding, String key);

    /** False once the detector was turned off after an internal failure. */
    boolean detectorEnabled(String detector);

    /** Runs {@code task} before each report is written (at exit and on demand), e.g. to flush pending findings. */
    void beforeReport(Runnable task);

    /**
     * Runs {@code task} when the application calls {@code Runtime.halt}, which runs no shutdown hook: for what the
     * JVM's death must not cut off (a JFR start in progress).
     */
    void beforeHalt(Runnable task);

    /** The threads the agent classifies: which are event loops, and the state it keeps for each. */
    ThreadClassifier threads();

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
