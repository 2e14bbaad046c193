package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.bootstrap.LoopTaskBridge;
import dev.loopguard.agent.bootstrap.TaskBridge;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** Advice inlined into rejection policies, {@code Thread} and core's {@code EventLoop}; it only calls the bridge. */
public final class TaskAdvice {

    private TaskAdvice() {
    }

    /** {@code DiscardPolicy.rejectedExecution}: the task is dropped. */
    public static final class Discard {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object policy, @Advice.Argument(0) Runnable task,
                          @Advice.Argument(1) ThreadPoolExecutor executor) {
            TaskBridge.rejected(task, executor, policy);
        }
    }

    /** {@code DiscardOldestPolicy.rejectedExecution}: the head of the queue is dropped (or the task, after shutdown). */
    public static final class DiscardOldest {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object policy, @Advice.Argument(0) Runnable task,
                          @Advice.Argument(1) ThreadPoolExecutor executor) {
            if (executor.isShutdown()) {
                TaskBridge.rejected(task, executor, policy);
            } else {
                Runnable oldest = executor.getQueue().peek();
                if (oldest != null) {
                    TaskBridge.rejected(oldest, executor, policy);
                }
            }
        }
    }

    /** {@code CallerRunsPolicy.rejectedExecution}: drops the task, silently, once the executor is shut down. */
    public static final class CallerRunsAfterShutdown {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object policy, @Advice.Argument(0) Runnable task,
                          @Advice.Argument(1) ThreadPoolExecutor executor) {
            if (executor.isShutdown()) {
                TaskBridge.rejected(task, executor, policy);
            }
        }
    }

    /**
     * {@code ThreadPoolExecutor.reject(task)} returned normally: whatever handler the executor has (a lambda too)
     * neither threw nor failed; future tracking judges what became of the task.
     */
    public static final class HandlerReturned {
        @Advice.OnMethodExit
        static void exit(@Advice.This Object executor, @Advice.Argument(0) Runnable task,
                         @Advice.FieldValue("handler") Object rejectionHandler) {
            // Typed Object, not ThreadPoolExecutor: resolving the class being transformed from its own advice is a
            // class-circularity error.
            if (TaskBridge.tracking) {
                TaskBridge.rejectionReturned(task, executor, rejectionHandler);
            }
        }
    }

    /** {@code Thread.dispatchUncaughtException}: the thread is about to die of an exception. */
    public static final class Uncaught {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Thread thread, @Advice.Argument(0) Throwable failure) {
            TaskBridge.uncaught(thread, failure);
        }
    }

    /** core {@code EventLoop.warnAboutUnrunTasks}: the loop closed with tasks and no {@code onUnrunTasks} handler. */
    public static final class LoopUnrunWarning {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object loop, @Advice.Argument(0) List<?> unrun) {
            TaskBridge.unrunTasks(unrun, loop, -1);
        }
    }

    /**
     * core {@code EventLoop.enqueue(queued)}: every task submitted from any thread passes here before the loop can see
     * it; if the loop refuses it (shut down), the caller gets an exception and nothing is queued.
     */
    public static final class LoopEnqueue {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object loop, @Advice.Argument(0) Object queued) {
            LoopTaskBridge.queued(loop, queued);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Argument(0) Object queued, @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                LoopTaskBridge.refused(queued);
            }
        }
    }

    /** core {@code EventLoop.scheduleTask(...)}: a schedule made on the loop thread skips the inbox. */
    public static final class LoopSchedule {
        @Advice.OnMethodExit
        static void exit(@Advice.This Object loop, @Advice.FieldValue("thread") Object loopThread,
                         @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object scheduled) {
            LoopTaskBridge.scheduledOnLoop(loop, loopThread, scheduled);
        }
    }

    /** core {@code EventLoop.runTask(queued)}: the loop starts a task; one field read while nothing is followed. */
    public static final class LoopRunTask {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) Object queued) {
            if (LoopTaskBridge.tracked > 0) {
                LoopTaskBridge.started(queued);
            }
        }
    }

    /** core {@code EventLoop.terminate()} returned: the loop stopped, and its close policy took what was left. */
    public static final class LoopTerminated {
        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.This Object loop) {
            LoopTaskBridge.terminated(loop);
        }
    }
}
