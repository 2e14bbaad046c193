package dev.loopguard.agent.internal.loops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.bootstrap.Bridge;
import dev.loopguard.agent.internal.AgentOptions;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.AgentStartupWork;
import dev.loopguard.agent.internal.RuntimeDetectorContext;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void theApplicationsShareOfAStallIsItsDurationTimesTheShareOfSamplesShowingApplicationCodeAtWork() {
        assertThat(StallWatchdog.applicationShare(400 * MS, 8, 8)).isEqualTo(400 * MS);
        assertThat(StallWatchdog.applicationShare(400 * MS, 8, 2)).isEqualTo(100 * MS);
        assertThat(StallWatchdog.applicationShare(200 * MS, 8, 0)).isZero();
    }

    @Test
    void aStallWithNoSampleHasNoOwnShare() {
        assertThat(StallWatchdog.applicationShare(400 * MS, 0, 0)).isZero();
    }

    @Test
    @DisplayName("estimates a busy period from the ticks that saw it, within half a tick at each end")
    void busyDurationFromTicks() {
        // Ticks every 10 at 0, 10, 20, ...; a task really busy from 5 to 95 is first seen at 10, last seen busy at 90
        // and seen ended at 100.
        assertThat(StallWatchdog.busyDuration(10, 90, 100, 10)).isEqualTo(90);
        // The same ticks fit any task from just after 0 to just before 100 (about 100) or from just before 10 to just
        // after 90 (about 80): the estimate of 90 is off by at most one tick in all.
        // Seen busy at a single tick only: about one tick long.
        assertThat(StallWatchdog.busyDuration(40, 40, 50, 10)).isEqualTo(10);
    }

    @Test
    void whileTheAgentStartsUpABusyLoopCountsAtTheCpuTimeItGotNeverMoreThanTheClock() {
        // 400 ms busy, 300 of them while the agent started up, in which the loop thread got 30 ms of CPU.
        assertThat(StallWatchdog.countedDuration(400 * MS, 300 * MS, 30 * MS)).isEqualTo(130 * MS);
        // A CPU-bound task in the same stretch counts in full.
        assertThat(StallWatchdog.countedDuration(400 * MS, 300 * MS, 300 * MS)).isEqualTo(400 * MS);
        assertThat(StallWatchdog.countedDuration(400 * MS, 300 * MS, 310 * MS)).isEqualTo(400 * MS);
        // Outside the agent's start-up, the clock.
        assertThat(StallWatchdog.countedDuration(400 * MS, 0, 0)).isEqualTo(400 * MS);
    }

    @Test
    @DisplayName("a loop seen busy at a tick is asked for its next task start, which ends that busy period")
    void theFirstSightingOfABusyLoopAsksForItsNextTaskStart() {
        AgentRuntime runtime = new AgentRuntime(AgentOptions.defaults(),
                new PrintStream(OutputStream.nullOutputStream()));
        StallWatchdog watchdog = new StallWatchdog(new RuntimeDetectorContext(runtime),
                AgentOptions.defaults().stallThreshold(), new AgentStartupWork());
        ThreadState loop = new ThreadState(Thread.currentThread(), true);
        runtime.threads().register(loop);
        int before = Bridge.TASK_START_WATCHES.get();
        try {
            loop.becameBusy();
            long period = loop.busyPeriod();
            watchdog.tick(System.nanoTime());
            // Asked at once: were it asked only at the second tick, a watchdog kept off the CPU between two ticks would
            // time every short task the loop ran in between as one busy period.
            assertThat(Bridge.TASK_START_WATCHES.get()).isEqualTo(before + 1);

            loop.startedTask();
            assertThat(loop.busyPeriod()).isEqualTo(period + 1);
            assertThat(Bridge.TASK_START_WATCHES.get()).isEqualTo(before);

            watchdog.tick(System.nanoTime());
            assertThat(Bridge.TASK_START_WATCHES.get()).as("the new period is watched in turn").isEqualTo(before + 1);
            loop.becameIdle();
            watchdog.tick(System.nanoTime());
            assertThat(Bridge.TASK_START_WATCHES.get()).as("an idle loop is watched no more").isEqualTo(before);
            assertThat(runtime.recorder().snapshot()).isEmpty();
        } finally {
            loop.endTaskStartWatch();
            runtime.threads().forget(loop);
        }
    }
}
