package dev.loopguard.agent.internal;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.internal.controllers.ControllerScope;
import java.util.List;
import java.util.Objects;

/** The running agent as the part-2 detectors see it. */
public final class RuntimeDetectorContext implements DetectorContext {

    private final AgentRuntime runtime;

    public RuntimeDetectorContext(AgentRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    @Override
    public void record(Finding finding) {
        runtime.recorder().record(finding);
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
