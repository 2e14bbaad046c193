package dev.loopguard.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge's own decision for tasks queued on core's loop at {@code tasks=sampled}, before the handler. */
class LoopTaskBridgeTest {

    private final Object loop = new Object();
    private final List<Object> handedOver = new ArrayList<>();

    private final List<Object> started = new ArrayList<>();
    /** The count other tests in this JVM left (a loop-task follower of theirs may still run): put back after. */
    private final int trackedBefore = LoopTaskBridge.tracked;

    @AfterEach
    void uninstall() {
        LoopTaskBridge.tracked = trackedBefore;
        LoopTaskBridge.install(null);
        LoopTaskBridge.sampleInWindows(null);
        LoopTaskBridge.windowChanged(false);
    }

    @Test
    void aTaskOfASampledOutClassReachesTheHandlerOnlyWhileTheWindowIsOpen() {
        LoopTaskBridge.install(new Recording());
        int[] table = new int[8];
        table["java.lang.Object".hashCode() & 7] = "java.lang.Object".hashCode();
        LoopTaskBridge.sampleInWindows(table);

        Object sampledOut = new Object();
        Runnable other = () -> { };
        LoopTaskBridge.queued(loop, sampledOut, false);
        LoopTaskBridge.queued(loop, other, false);
        assertThat(handedOver).as("window closed: the other class only").containsExactly(other);

        LoopTaskBridge.windowChanged(true);
        LoopTaskBridge.queued(loop, sampledOut, false);
        assertThat(handedOver).containsExactly(other, sampledOut);

        LoopTaskBridge.windowChanged(false);
        LoopTaskBridge.sampleInWindows(null);
        LoopTaskBridge.queued(loop, sampledOut, true);
        assertThat(handedOver).as("no table: every task goes to the handler").containsExactly(other, sampledOut,
                sampledOut);
    }

    @Test
    void nettyExecuteHandsOverOnlyUnscheduledTasksOfClassesNotSampledOut() {
        LoopTaskBridge.install(new Recording());
        Runnable hot = new HotTask();
        Runnable fresh = () -> { };
        ScheduledTask scheduled = new ScheduledTask();
        int[] table = new int[8];
        int key = LoopTaskBridge.classKey(HotTask.class);
        table[key & 7] = key;
        LoopTaskBridge.sampleInWindows(table);

        LoopTaskBridge.onNettyExecute(loop, hot);
        LoopTaskBridge.onNettyExecute(loop, fresh);
        LoopTaskBridge.onNettyExecute(loop, scheduled); // followed by its schedule call, not here
        assertThat(handedOver).as("window closed").containsExactly(fresh);

        LoopTaskBridge.windowChanged(true);
        LoopTaskBridge.onNettyExecute(loop, hot);
        LoopTaskBridge.onNettyExecute(loop, scheduled);
        assertThat(handedOver).as("window open: a scheduled task still is not").containsExactly(fresh, hot);
    }

    @Test
    void theLastSampledOutClassIsForgottenWhenTheWindowOpensOrTheTableChanges() {
        LoopTaskBridge.install(new Recording());
        Runnable hot = new HotTask();
        int[] table = new int[8];
        int key = LoopTaskBridge.classKey(HotTask.class);
        table[key & 7] = key;
        LoopTaskBridge.sampleInWindows(table);
        LoopTaskBridge.onNettyExecute(loop, hot); // found in the table: remembered
        LoopTaskBridge.queued(loop, hot, false); // decided by the remembered class
        assertThat(handedOver).isEmpty();

        LoopTaskBridge.windowChanged(true);
        LoopTaskBridge.onNettyExecute(loop, hot);
        LoopTaskBridge.queued(loop, hot, false);
        assertThat(handedOver).as("window open: the remembered class no longer decides").containsExactly(hot, hot);

        LoopTaskBridge.windowChanged(false);
        LoopTaskBridge.queued(loop, hot, false); // remembered again
        LoopTaskBridge.sampleInWindows(new int[8]); // a table without the class
        LoopTaskBridge.onNettyExecute(loop, hot);
        LoopTaskBridge.queued(loop, hot, false);
        assertThat(handedOver).as("a new table: the remembered class is forgotten").containsExactly(hot, hot, hot, hot);
    }

    private static final class HotTask implements Runnable {
        @Override
        public void run() {
        }
    }

    /** What Netty hands its {@code execute} for a schedule made off the loop: a task that is a scheduled future. */
    private static final class ScheduledTask extends java.util.concurrent.FutureTask<Void>
            implements java.util.concurrent.RunnableScheduledFuture<Void> {
        ScheduledTask() {
            super(() -> { }, null);
        }

        @Override
        public boolean isPeriodic() {
            return false;
        }

        @Override
        public long getDelay(java.util.concurrent.TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed other) {
            return 0;
        }
    }

    @Test
    void aHandlerThatThrowsNeverReachesTheLoop() {
        LoopTaskBridge.install(new Recording() {
            @Override
            public void queued(Object loop, Object task, boolean timed) {
                throw new IllegalStateException("handler bug");
            }
        });
        LoopTaskBridge.queued(loop, new Object(), false); // must not throw
        assertThat(handedOver).isEmpty();
    }

    @Test
    void aTableThatIsNotAPowerOfTwoIsRefusedWithItsLength() {
        assertThatThrownBy(() -> LoopTaskBridge.sampleInWindows(new int[12]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power-of-two").hasMessageContaining("12");
    }

    private class Recording implements LoopTaskBridge.Handler {
        @Override
        public void queued(Object loop, Object task, boolean timed) {
            handedOver.add(task);
        }

        @Override
        public void refused(Object loop, Object task) {
        }

        @Override
        public void scheduledOnLoop(Object loop, Object loopThread, Object scheduled) {
        }

        @Override
        public void started(Object loop, Object queuedTask) {
        }

        @Override
        public void terminated(Object loop) {
        }

        @Override
        public void startedOnItsLoop(Object task) {
            started.add(task);
        }
    }

    /** A task of Netty's schedule queue, as {@code runTask} sees it; its delay is whatever the test says. */
    private static final class DelayedTask implements Runnable, java.util.concurrent.Delayed {
        private final java.util.function.LongSupplier delay;

        DelayedTask(java.util.function.LongSupplier delay) {
            this.delay = delay;
        }

        @Override
        public void run() {
        }

        @Override
        public long getDelay(java.util.concurrent.TimeUnit unit) {
            return delay.getAsLong();
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed other) {
            return 0;
        }
    }

    @Test
    void nettyRunTaskReportsAStartOnlyWhileTasksAreFollowedAndNotForAScheduleNotDueYet() {
        LoopTaskBridge.install(new Recording());
        Runnable plain = new HotTask();
        DelayedTask due = new DelayedTask(() -> 0);
        DelayedTask notDue = new DelayedTask(() -> 1_000_000_000L);
        DelayedTask broken = new DelayedTask(() -> {
            throw new IllegalStateException("a task's own bug");
        });

        LoopTaskBridge.tracked = 0;
        LoopTaskBridge.onNettyRunTask(plain);
        assertThat(started).as("nothing followed: no call in").isEmpty();

        LoopTaskBridge.tracked = 1;
        LoopTaskBridge.onNettyRunTask(plain);
        LoopTaskBridge.onNettyRunTask(due);
        LoopTaskBridge.onNettyRunTask(notDue); // only moved to the loop's schedule queue
        LoopTaskBridge.onNettyRunTask(broken); // must not throw into the loop
        assertThat(started).containsExactly(plain, due);
    }
}
