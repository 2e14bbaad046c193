package dev.loopguard.agent.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.internal.futures.fixtures.RejectionHandlers;
import dev.loopguard.agent.internal.RecordingContext;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which rejected tasks become suspects, and what clears them; the collector's part is covered by RejectedTasksIT. */
class RejectedTasksTest {

    private final RecordingContext context = new RecordingContext(
            name -> name.equals(RejectedTasksTest.class.getName()));
    private final RejectedTasks rejected = new RejectedTasks(context);
    private final RejectedExecutionHandler dropping = (task, executor) -> { };
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4), dropping);

    @AfterEach
    void stop() {
        rejected.stop();
        pool.shutdownNow();
    }

    @Test
    void aFutureNeitherDoneNorQueuedIsASuspectUntilItCompletes() {
        FutureTask<String> task = new FutureTask<>(() -> "ran");
        rejected.handlerReturned(task, pool, dropping);
        assertThat(rejected.suspectCount()).isEqualTo(1);

        task.run();
        rejected.completed(task);
        assertThat(rejected.suspectCount()).isZero();
        rejected.reportCleared();
        assertThat(context.findings()).isEmpty();
    }

    @Test
    void aCancelledFutureIsNoSuspect() {
        FutureTask<String> task = new FutureTask<>(() -> "ran");
        task.cancel(false);
        rejected.handlerReturned(task, pool, dropping);
        assertThat(rejected.suspectCount()).isZero();
    }

    @Test
    void aFutureTheHandlerPutBackInTheQueueIsNoSuspect() {
        FutureTask<String> task = new FutureTask<>(() -> "ran");
        pool.getQueue().add(task);
        rejected.handlerReturned(task, pool, dropping);
        assertThat(rejected.suspectCount()).isZero();
    }

    @Test
    void aPlainRunnableOfALambdaHandlerAndTheJdkPoliciesAreNotJudgedHere() {
        rejected.handlerReturned(() -> { }, pool, dropping);
        rejected.handlerReturned(new FutureTask<>(() -> "ran"), pool, new ThreadPoolExecutor.DiscardPolicy());
        rejected.handlerReturned(() -> { }, pool, new ThreadPoolExecutor.DiscardPolicy());
        assertThat(rejected.suspectCount()).isZero();
        assertThat(context.findings()).isEmpty();
    }

    @Test
    void aPlainRunnableIsLostAtOnceWhenItsHandlersCodeNeverKeepsIt() {
        RejectionHandlerVerdicts verdicts = new RejectionHandlerVerdicts();
        verdicts.classVisited(getClass().getClassLoader(), RejectionHandlers.DropsSilently.class.getName(), null,
                true);
        RejectedTasks judged = new RejectedTasks(context, verdicts);
        Runnable task = () -> { };

        judged.handlerReturned(task, pool, new RejectionHandlers.DropsSilently());

        assertThat(judged.suspectCount()).isZero();
        assertThat(context.findings(FindingKind.LOST_TASK)).singleElement().satisfies(f -> {
            assertThat(f.thread()).isEqualTo(Thread.currentThread().getName());
            assertThat(f.site()).hasValueSatisfying(site -> assertThat(site)
                    .contains(".aPlainRunnableIsLostAtOnceWhenItsHandlersCodeNeverKeepsIt(RejectedTasksTest.java:"));
            assertThat(f.createdAt()).isEqualTo(f.site());
            assertThat(f.reason()).hasValue("dropped by rejection handler "
                    + RejectionHandlers.DropsSilently.class.getName());
            assertThat(f.message()).contains(RejectionHandlers.DropsSilently.class.getName(), "dropped a task",
                    "on thread '" + Thread.currentThread().getName() + "'", "RejectedTasksTest.java:",
                    "never runs the task");
            assertThat(f.advice()).hasValueSatisfying(advice -> assertThat(advice)
                    .contains("throw a RejectedExecutionException", "CallerRunsPolicy", "bounded time"));
        });
    }

    @Test
    void aPlainRunnableIsNotJudgedWhenItsHandlersCodeMayKeepItOrWasNeverAnalysed() {
        RejectionHandlerVerdicts verdicts = new RejectionHandlerVerdicts();
        verdicts.classVisited(getClass().getClassLoader(), RejectionHandlers.KeepsByRunning.class.getName(), null,
                false);
        RejectedTasks judged = new RejectedTasks(context, verdicts);

        judged.handlerReturned(() -> { }, pool, new RejectionHandlers.KeepsByRunning());
        judged.handlerReturned(() -> { }, pool, new RejectionHandlers.DropsSilently());

        assertThat(context.findings()).isEmpty();
    }

    @Test
    void aLambdaHandlerIsNamedByTheClassThatWroteIt() {
        assertThat(RejectedTasks.handlerName(dropping.getClass()))
                .isEqualTo("a lambda in " + RejectedTasksTest.class.getName());
        assertThat(RejectedTasks.handlerName(ThreadPoolExecutor.class)).isEqualTo(ThreadPoolExecutor.class.getName());
    }
}
