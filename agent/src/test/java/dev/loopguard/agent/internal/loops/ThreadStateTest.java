package dev.loopguard.agent.internal.loops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.bootstrap.Bridge;
import org.junit.jupiter.api.Test;

/** The hand-shake by which the stall watchdog learns that a busy loop started its next task. */
class ThreadStateTest {

    @Test
    void theFirstTaskStartAfterAWatchEndsTheBusyPeriodAndWithdrawsTheWatch() {
        ThreadState loop = new ThreadState(Thread.currentThread(), true);
        loop.becameBusy();
        long watched = loop.busyPeriod();
        int before = Bridge.TASK_START_WATCHES.get();

        loop.startedTask();
        assertThat(loop.busyPeriod()).as("no watch: a task start changes nothing").isEqualTo(watched);

        assertThat(loop.watchForTaskStart()).isTrue();
        assertThat(loop.watchForTaskStart()).as("one watch at a time").isFalse();
        assertThat(Bridge.TASK_START_WATCHES.get()).as("the hooks' fast path is off").isEqualTo(before + 1);

        long beforeStart = System.nanoTime();
        loop.startedTask();
        assertThat(loop.busyPeriod()).as("the next task is a busy period of its own").isEqualTo(watched + 1);
        assertThat(loop.taskStartNanos).isGreaterThanOrEqualTo(beforeStart);
        assertThat(Bridge.TASK_START_WATCHES.get()).as("back to the fast path").isEqualTo(before);

        loop.startedTask();
        assertThat(loop.busyPeriod()).as("only the first task start after a watch").isEqualTo(watched + 1);
        assertThat(loop.endTaskStartWatch()).as("the loop withdrew it already").isFalse();
    }

    @Test
    void aWatchTheLoopNeverAnsweredIsWithdrawnOnceByTheWatchdog() {
        ThreadState loop = new ThreadState(Thread.currentThread(), true);
        loop.becameBusy();
        int before = Bridge.TASK_START_WATCHES.get();
        loop.watchForTaskStart();
        loop.becameIdle(); // the period ended in the idle wait, with no task start

        assertThat(loop.endTaskStartWatch()).isTrue();
        assertThat(loop.endTaskStartWatch()).isFalse();
        assertThat(Bridge.TASK_START_WATCHES.get()).isEqualTo(before);
    }

    @Test
    void aTaskStartInsideTheIdleWaitIsNoBoundary() {
        ThreadState loop = new ThreadState(Thread.currentThread(), true);
        loop.becameBusy();
        loop.watchForTaskStart();
        loop.idleDepth = 1;
        long period = loop.busyPeriod();

        loop.startedTask();
        assertThat(loop.busyPeriod()).isEqualTo(period);
        assertThat(loop.endTaskStartWatch()).as("still waiting for a real task start").isTrue();
    }
}
