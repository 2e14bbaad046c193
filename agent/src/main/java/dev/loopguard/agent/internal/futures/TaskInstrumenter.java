package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.tasks.TrackingLevel;
import dev.loopguard.agent.internal.AgentOptions;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import dev.loopguard.agent.internal.JvmShutdown;
import dev.loopguard.agent.internal.RuntimeDetectorContext;
import dev.loopguard.agent.Finding;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
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
        // Loops and named classes rather than streams and lambdas: this runs in premain (see docs/agent.md).
        Set<String> fireAndForget = new HashSet<>();
        for (AgentOptions.MethodRef ref : options.fireAndForget()) {
            fireAndForget.add(ref.toString());
        }
        TaskTracking tasks = TaskTracking.create(new RuntimeDetectorContext(runtime), level, strict,
                fireAndForget);
        runtime.pendingTaskCheck(new PendingTasks(tasks));
        runtime.beforeReport(new UnobservedAtExit(tasks));
        tasks.contribute(transformations);
    }

    /** What {@code LoopguardAgent.checkPendingTasks()} runs. */
    private static final class PendingTasks implements Supplier<List<Finding>> {
        private final TaskTracking tasks;

        PendingTasks(TaskTracking tasks) {
            this.tasks = tasks;
        }

        @Override
        public List<Finding> get() {
            return tasks.checkPendingTasks();
        }
    }

    /** Before the report at exit: failures still unobserved. */
    private static final class UnobservedAtExit implements Runnable {
        private final TaskTracking tasks;

        UnobservedAtExit(TaskTracking tasks) {
            this.tasks = tasks;
        }

        @Override
        public void run() {
            // Only at exit is a still-unobserved failure final: a report written on demand may be followed by the
            // join that observes it.
            if (JvmShutdown.inProgress()) {
                tasks.reportAtExit();
            }
        }
    }
}
