package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.bootstrap.TaskBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into {@code CompletableFuture} and {@code FutureTask}. Each reads a public field of the bridge and
 * calls in only when there is something to do, so that an idle agent costs a field read per call.
 */
final class FutureAdvice {

    private FutureAdvice() {
    }

    /**
     * Every completion of a {@code CompletableFuture} ({@code completeValue}, {@code completeNull},
     * {@code internalComplete}, {@code completeThrowable}, {@code completeRelay}): a failure is judged, and a tracked
     * future leaves the tracking table as soon as it completes, which keeps the table small and its look-ups short.
     */
    static final class Completion {
        @Advice.OnMethodExit
        static void exit(@Advice.This Object self, @Advice.Return boolean completed) {
            if (completed && TaskBridge.tracking) {
                TaskBridge.completed(self);
            }
        }
    }

    /** {@code obtrudeValue}, {@code obtrudeException}, {@code FutureTask.finishCompletion}. */
    static final class ForcedCompletion {
        @Advice.OnMethodExit
        static void exit(@Advice.This Object self) {
            if (TaskBridge.tracking) {
                TaskBridge.completed(self);
            }
        }
    }

    /** Reads that see a failure: {@code join}, {@code get}, {@code isCompletedExceptionally}… */
    static final class Read {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object self) {
            if (TaskBridge.unobservedFailures != 0) {
                TaskBridge.used(self, TaskBridge.READ);
            }
        }
    }

    /** Callbacks that see a failure: {@code handle}, {@code whenComplete}, {@code exceptionally}… */
    static final class Handle {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object self) {
            if (TaskBridge.tracking) {
                TaskBridge.used(self, TaskBridge.HANDLE);
            }
        }
    }

    /** Stages that pass a failure on: {@code thenApply}, {@code thenCompose}… */
    static final class Chain {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object self) {
            if (TaskBridge.tracking) {
                TaskBridge.used(self, TaskBridge.CHAIN);
            }
        }
    }

    /** "Either" stages: {@code applyToEither}, {@code acceptEither}, {@code runAfterEither}. */
    static final class Either {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object self) {
            if (TaskBridge.unobservedFailures != 0) {
                TaskBridge.used(self, TaskBridge.EITHER);
            }
        }
    }

    /** {@code allOf}, {@code anyOf}: the combined future takes over observing its inputs. */
    static final class AllOrAny {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) Object[] futures) {
            if (TaskBridge.tracking) {
                TaskBridge.allOrAny(futures);
            }
        }
    }
}
