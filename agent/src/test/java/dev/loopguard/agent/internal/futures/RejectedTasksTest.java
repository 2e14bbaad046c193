package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.internal.tasks.RecordingContext;
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
    void plainRunnablesAndTheJdkPoliciesAreNotJudgedHere() {
        rejected.handlerReturned(() -> { }, pool, dropping);
        rejected.handlerReturned(new FutureTask<>(() -> "ran"), pool, new ThreadPoolExecutor.DiscardPolicy());
        assertThat(rejected.suspectCount()).isZero();
    }

    @Test
    void aLambdaHandlerIsNamedByTheClassThatWroteIt() {
        assertThat(RejectedTasks.handlerName(dropping.getClass()))
                .isEqualTo("a lambda in " + RejectedTasksTest.class.getName());
        assertThat(RejectedTasks.handlerName(ThreadPoolExecutor.class)).isEqualTo(ThreadPoolExecutor.class.getName());
    }
}
