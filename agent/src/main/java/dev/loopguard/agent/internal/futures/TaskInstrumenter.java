package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.tasks.TrackingLevel;
import dev.loopguard.agent.internal.AgentOptions;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import dev.loopguard.agent.internal.JvmShutdown;
import dev.loopguard.agent.internal.RuntimeDetectorContext;
import java.util.Set;
import java.util.stream.Collectors;
import dev.loopguard.agent.internal.weaving.Transformations;

/**
 * Task tracking in the agent: LOST_TASK, UNHANDLED_FAILURE and IGNORED_FUTURE, at the tracking level of
 * the {@code tasks} option.
 */
public final class TaskInstrumenter implements Instrumenter {

    @Override
    public void contribute(Transformations transformations, AgentRuntime runtime) {
        AgentOptions options = runtime.options();
        TrackingLevel level = TrackingLevel.valueOf(options.tasks().name());
        boolean strict = options.ignoredFutures() == AgentOptions.IgnoredFutures.STRICT;
        Set<String> fireAndForget = options.fireAndForget().stream()
                .map(AgentOptions.MethodRef::toString)
                .collect(Collectors.toUnmodifiableSet());
        TaskTracking tasks = TaskTracking.create(new RuntimeDetectorContext(runtime), level, strict,
                fireAndForget);
        runtime.pendingTaskCheck(tasks::checkPendingTasks);
        runtime.beforeReport(() -> {
            // Only at exit is a still-unobserved failure final: a report written on demand may be followed by the
            // join that observes it.
            if (JvmShutdown.inProgress()) {
                tasks.reportAtExit();
            }
        });
        tasks.contribute(transformations);
    }
}
