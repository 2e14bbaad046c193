package dev.loopguard.agent.internal;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.internal.controllers.ControllerScope;
import dev.loopguard.agent.internal.loops.ThreadClassifier;
import java.util.List;
import java.util.Objects;

/** The running agent as every detector sees it. */
public final class RuntimeDetectorContext implements DetectorContext {

    private final AgentRuntime runtime;

    public RuntimeDetectorContext(AgentRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    @Override
    public boolean record(Finding finding) {
        return runtime.recorder().record(finding);
    }

    @Override
    public void repeat(Finding finding, String key) {
        runtime.recorder().repeat(finding, key);
    }

    @Override
    public boolean detectorEnabled(String detector) {
        return runtime.detectorEnabled(detector);
    }

    @Override
    public void beforeReport(Runnable task) {
        runtime.beforeReport(task);
    }

    @Override
    public void beforeHalt(Runnable task) {
        runtime.beforeHalt(task);
    }

    @Override
    public ThreadClassifier threads() {
        return runtime.threads();
    }

    @Override
    public String applicationSite(StackTraceElement[] stack) {
        return StackFrames.applicationSite(stack);
    }

    @Override
    public List<String> render(StackTraceElement[] stack) {
        return StackFrames.render(stack);
    }

    @Override
    public boolean isApplicationClass(String className) {
        return StackFrames.isApplicationFrame(className);
    }

    @Override
    public String currentController() {
        return ControllerScope.current();
    }

    @Override
    public void detectorFailed(String detector, Throwable cause) {
        runtime.detectorFailed(detector, cause);
    }
}
