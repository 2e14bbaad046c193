package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.bootstrap.TaskBridge;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import net.bytebuddy.asm.Advice;

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
}
