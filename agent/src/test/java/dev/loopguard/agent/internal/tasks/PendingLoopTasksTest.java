package dev.loopguard.agent.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.internal.RecordingContext;
import dev.loopguard.core.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bookkeeping behind "event-loop task pending at exit", driven directly through the bridge's handler calls. */
class PendingLoopTasksTest {

    private final RecordingContext context = new RecordingContext(
            name -> name.equals(PendingLoopTasksTest.class.getName()));
    /** Schedules made here are left pending on purpose; closing hands them to a handler that keeps them. */
    private final List<Runnable> leftAtClose = new ArrayList<>();
    private final EventLoop loop = EventLoop.builder().name("test-loop").onUnrunTasks(leftAtClose::addAll).build();

    /** Stands for core's queue entry, whose {@code task} field the handler reads when the loop starts it. */
    private static final class QueuedEntry {
        final Object task;

        QueuedEntry(Object task) {
            this.task = task;
        }
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void aTaskNeverStartedIsReportedAtExitWithItsSubmissionSiteThreadAndLoop() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        Runnable task = () -> { };
        tasks.queued(loop, task, false);
        tasks.reportAtExit();

        assertThat(context.findings(FindingKind.LOST_TASK)).singleElement().satisfies(f -> {
            assertThat(f.site()).hasValueSatisfying(site -> assertThat(site)
                    .contains("PendingLoopTasksTest.aTaskNeverStartedIsReportedAtExitWithItsSubmissionSiteThreadAndLoop("));
            assertThat(f.thread()).isEqualTo(Thread.currentThread().getName());
            assertThat(f.loop()).hasValue("test-loop");
            assertThat(f.reason()).hasValue("pending in the event loop at exit");
        });
    }

    @Test
    void aStartedTaskIsNotReportedAndASharedTaskCountsEachSubmission() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        Runnable shared = () -> { };
        tasks.queued(loop, shared, false);
        tasks.queued(loop, shared, false);
        tasks.started(loop, new QueuedEntry(shared));
        assertThat(tasks.trackedCount()).isEqualTo(1);
        tasks.reportAtExit();
        assertThat(context.findings(FindingKind.LOST_TASK)).hasSize(1);

        tasks.started(loop, new QueuedEntry(shared));
        assertThat(tasks.trackedCount()).isZero();
    }

    @Test
    void tasksStartedOutOfQueueOrderAreAllForgottenAndTheRestReported() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        List<Runnable> submitted = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // started backwards, then the rest: each one looked for past the oldest
            Runnable task = () -> { };
            submitted.add(task);
            tasks.queued(loop, task, false);
        }
        for (int i = submitted.size() - 1; i >= 3; i -= 2) {
            tasks.started(loop, new QueuedEntry(submitted.get(i)));
        }
        for (int i = 0; i < submitted.size(); i += 2) {
            tasks.started(loop, new QueuedEntry(submitted.get(i)));
        }
        assertThat(tasks.trackedCount()).as("only the task at index 1 was never started").isEqualTo(1);
        tasks.started(loop, new QueuedEntry(submitted.get(1)));
        assertThat(tasks.trackedCount()).isZero();

        Runnable last = () -> { };
        tasks.queued(loop, last, false);
        Runnable neverQueued = () -> { };
        tasks.started(loop, new QueuedEntry(neverQueued));
        tasks.reportAtExit();
        assertThat(context.findings(FindingKind.LOST_TASK)).singleElement()
                .satisfies(f -> assertThat(f.site()).hasValueSatisfying(site -> assertThat(site)
                        .contains("tasksStartedOutOfQueueOrderAreAllForgottenAndTheRestReported(")));
    }

    @Test
    void cancelledFuturesAreNotReportedAndAreSweptOnceTheRecordsDouble() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        for (int i = 0; i < 1023; i++) {
            CompletableFuture<Void> timeout = new CompletableFuture<>();
            tasks.queued(loop, timeout, i % 2 == 0);
            timeout.cancel(false);
        }
        assertThat(tasks.trackedCount()).isEqualTo(1023);

        CompletableFuture<Void> live = new CompletableFuture<>();
        tasks.queued(loop, live, false);
        assertThat(tasks.trackedCount()).as("the 1024th record swept the cancelled ones, timed or not").isEqualTo(1);
        tasks.reportAtExit();
        assertThat(context.findings(FindingKind.LOST_TASK)).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("A task (" + live + ") submitted at"));
    }

    @Test
    void aTimedTaskStartsByDeadlineWithoutDisturbingTheQueueOrderOfOneShotTasks() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        Runnable first = () -> { };
        Runnable second = () -> { };
        CompletableFuture<Void> reminder = new CompletableFuture<>();
        tasks.queued(loop, first, false);
        tasks.queued(loop, reminder, true);
        tasks.queued(loop, reminder, true);
        tasks.queued(loop, second, false);
        assertThat(tasks.trackedCount()).isEqualTo(4);

        tasks.started(loop, new QueuedEntry(reminder));
        tasks.started(loop, new QueuedEntry(first));
        tasks.started(loop, new QueuedEntry(reminder));
        assertThat(tasks.trackedCount()).isEqualTo(1);
        tasks.started(loop, new QueuedEntry(second));
        assertThat(tasks.trackedCount()).isZero();
    }

    @Test
    void aStartIsMatchedOnlyAgainstItsOwnLoop() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        try (EventLoop other = EventLoop.builder().name("other-loop").build()) {
            Runnable shared = () -> { };
            tasks.queued(loop, shared, false);
            tasks.queued(other, shared, false);

            tasks.started(other, new QueuedEntry(shared));
            tasks.started(other, new QueuedEntry(shared));
            assertThat(tasks.trackedCount()).as("other-loop's start was counted once, test-loop's task still waits")
                    .isEqualTo(1);
            tasks.reportAtExit();
        }
        assertThat(context.findings(FindingKind.LOST_TASK)).singleElement()
                .satisfies(f -> assertThat(f.loop()).hasValue("test-loop"));
    }

    @Test
    void tasksOfALoopThatTerminatedAreLeftToItsClosePolicy() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        tasks.scheduledOnLoop(loop, Thread.currentThread(), new CompletableFuture<Void>());
        tasks.terminated(loop);
        assertThat(tasks.trackedCount()).isZero();
        tasks.reportAtExit();
        assertThat(context.findings()).isEmpty();
    }

    @Test
    void sampledFollowsTheFirstTasksOfAClassThenThoseQueuedWhileTheWindowIsOpen() {
        SamplingWindow window = new SamplingWindow();
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.SAMPLED, window);
        List<Object> first = new ArrayList<>();
        for (int i = 0; i < 3 * SiteSampler.FIRST_TRACKED; i++) {
            Object task = new Object();
            first.add(task);
            tasks.queued(loop, task, false);
        }
        assertThat(tasks.trackedCount()).as("the first of the class only: the window is closed")
                .isEqualTo(SiteSampler.FIRST_TRACKED);
        assertThat(tasks.isSampledOut(Object.class)).as("marked for the bridge once past its first tasks").isTrue();
        first.forEach(task -> tasks.started(loop, new QueuedEntry(task)));
        assertThat(tasks.trackedCount()).isZero();

        window.set(true);
        for (int i = 0; i < 20; i++) {
            tasks.queued(loop, new Object(), false);
        }
        assertThat(tasks.trackedCount()).as("those queued while the window was open, counted on the same class")
                .isEqualTo(20);
        window.set(false);
        tasks.queued(loop, new Object(), false);
        assertThat(tasks.trackedCount()).as("nothing once it closed").isEqualTo(20);
        Runnable other = () -> { };
        tasks.queued(loop, other, false);
        assertThat(tasks.trackedCount()).as("another class starts from its own count").isEqualTo(21);
        assertThat(tasks.isSampledOut(other.getClass())).isFalse();
    }

    @Test
    void theLoopsOwnWrappersAreNeverMarkedForTheBridgeSinceWhatTheyWrapDecides() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.SAMPLED, new SamplingWindow());
        Callable<String> callersTask = () -> "done";
        Object wrapper = loop.submit(callersTask); // core's own future, which the loop queues in its place
        for (int i = 0; i < 2 * SiteSampler.FIRST_TRACKED; i++) {
            tasks.queued(loop, wrapper, false);
        }
        assertThat(tasks.isSampledOut(callersTask.getClass())).as("the caller's class, counted inside the wrapper")
                .isTrue();
        assertThat(tasks.isSampledOut(wrapper.getClass())).as(wrapper.getClass().getName()).isFalse();
    }

    @Test
    void aTaskTheLoopRefusedIsForgotten() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        Runnable task = () -> { };
        tasks.queued(loop, task, false);
        tasks.refused(loop, task);
        assertThat(tasks.trackedCount()).isZero();
    }

    @Test
    void periodicSchedulesAreNotFollowedAndTheFindingDescribesTheCallersTaskNotTheLoopsWrapper() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        tasks.queued(loop, loop.scheduleAtFixedRate(() -> { }, Duration.ofHours(1),
                Duration.ofHours(1)), true);
        assertThat(tasks.trackedCount()).isZero();

        Callable<String> reminder = new Callable<>() {
            @Override
            public String call() {
                return "sent";
            }

            @Override
            public String toString() {
                return "send-reminder";
            }
        };
        tasks.queued(loop, loop.schedule(reminder, Duration.ofHours(1)), true);
        tasks.reportAtExit();
        assertThat(context.findings(FindingKind.LOST_TASK)).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("A task (send-reminder) submitted at"));
    }

    @Test
    void aCheckReportsEachPendingTaskOnceGroupedBySiteAndNeitherALaterCheckNorTheExitReportsItAgain() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        for (int i = 0; i < 2; i++) {
            tasks.queued(loop, (Runnable) () -> { }, false);
        }
        Runnable other = () -> { };
        tasks.queued(loop, other, false);
        Runnable started = () -> { };
        tasks.queued(loop, started, false);
        tasks.started(loop, new QueuedEntry(started));

        List<Finding> found = tasks.checkNow();

        assertThat(found).hasSize(2);
        assertThat(found.get(0).count()).isEqualTo(2);
        assertThat(found.get(1).count()).isEqualTo(1);
        assertThat(found).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.LOST_TASK);
            assertThat(f.reason()).hasValue("pending in the event loop when checked");
            assertThat(f.loop()).hasValue("test-loop");
            assertThat(f.thread()).isEqualTo(Thread.currentThread().getName());
            assertThat(f.message()).contains("was still pending when pending tasks were checked",
                    "on thread '" + Thread.currentThread().getName() + "'", "event loop 'test-loop'",
                    "PendingLoopTasksTest.java:");
            assertThat(f.advice()).hasValueSatisfying(a -> assertThat(a).contains("VirtualClock"));
        });
        assertThat(found.get(0).site()).isNotEqualTo(found.get(1).site());
        assertThat(context.findings(FindingKind.LOST_TASK)).as("every task is recorded").hasSize(3);
        assertThat(tasks.trackedCount()).isZero();

        assertThat(tasks.checkNow()).isEmpty();
        tasks.reportAtExit();
        assertThat(context.findings(FindingKind.LOST_TASK)).as("nothing reported twice").hasSize(3);
    }

    @Test
    void aTaskSubmittedAfterACheckIsFollowedAsUsual() {
        PendingLoopTasks tasks = new PendingLoopTasks(context, TrackingLevel.FULL);
        assertThat(tasks.checkNow()).isEmpty();
        tasks.queued(loop, (Runnable) () -> { }, false);
        tasks.reportAtExit();
        assertThat(context.findings(FindingKind.LOST_TASK)).singleElement()
                .satisfies(f -> assertThat(f.reason()).hasValue("pending in the event loop at exit"));
    }

    @Test
    void rejectsTheOffLevel() {
        assertThatThrownBy(() -> new PendingLoopTasks(context, TrackingLevel.OFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("level must be sampled or full for event-loop task tracking, was off");
    }
}
