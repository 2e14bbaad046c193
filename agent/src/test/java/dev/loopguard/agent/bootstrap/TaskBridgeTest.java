package dev.loopguard.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge's own fast-path decisions, taken before the handler is called. */
class TaskBridgeTest {

    private final List<Object> created = new ArrayList<>();
    private final List<Object> completed = new ArrayList<>();
    private final List<String> used = new ArrayList<>();

    @AfterEach
    void uninstall() {
        TaskBridge.install(null);
        TaskBridge.sampleInWindows(null);
        TaskBridge.windowChanged(false);
        TaskBridge.setTracking(false);
    }

    @Test
    void aFutureFromASampledOutSiteReachesTheHandlerOnlyWhileTheWindowIsOpen() {
        TaskBridge.install(new Recording());
        boolean[] sites = new boolean[4];
        sites[2] = true;
        TaskBridge.sampleInWindows(sites);
        Object hot = new CompletableFuture<>();
        Object fresh = new CompletableFuture<>();

        TaskBridge.created(hot, 2);
        TaskBridge.created(fresh, 1);
        TaskBridge.created(fresh, 9); // a site registered after the table was published
        assertThat(created).as("window closed: the unmarked sites only").containsExactly(fresh, fresh);

        TaskBridge.windowChanged(true);
        TaskBridge.created(hot, 2);
        TaskBridge.sampleInWindows(sites); // a table published while the window is open waits for it to close
        TaskBridge.created(hot, 2);
        assertThat(created).containsExactly(fresh, fresh, hot, hot);

        TaskBridge.windowChanged(false);
        TaskBridge.created(hot, 2);
        assertThat(created).as("closed again: the table is back").hasSize(4);
        sites[3] = true; // the agent marks sites in place
        TaskBridge.created(fresh, 3);
        assertThat(created).hasSize(4);
    }

    @Test
    void completionHooksCallInOnlyWhileTrackingIsOnAndSomethingIsWatched() {
        TaskBridge.install(new Recording());
        Object future = new CompletableFuture<>();
        TaskBridge.watched.incrementAndGet();
        TaskBridge.unmarkedConcerns.incrementAndGet();
        try {
            TaskBridge.onCompletion(true, future, null);
            assertThat(completed).as("tracking off: a record left over does not make hooks call in").isEmpty();

            TaskBridge.setTracking(true);
            TaskBridge.onCompletion(true, future, null);
            TaskBridge.onCompletion(false, future, null);
            assertThat(completed).as("only a completion that took effect").containsExactly(future);

            TaskBridge.setTracking(true); // idempotent: the offset is taken off once
            TaskBridge.setTracking(false);
            TaskBridge.onForcedCompletion(future);
            assertThat(completed).hasSize(1);
        } finally {
            TaskBridge.watched.decrementAndGet();
            TaskBridge.unmarkedConcerns.decrementAndGet();
        }
    }

    @Test
    void aFutureWithoutARecordCallsInNeitherOnCompletionNorOnAStageWhileOtherFuturesAreTracked() {
        TaskBridge.install(new Recording());
        TaskBridge.setTracking(true);
        Object untracked = new CompletableFuture<>();
        Object tracked = new CompletableFuture<>();
        Object record = new Object(); // what the tracked future's record field holds
        TaskBridge.watched.incrementAndGet(); // the tracked future's record
        try {
            TaskBridge.onCompletion(true, untracked, null);
            TaskBridge.onChain(untracked, null);
            TaskBridge.onHandle(untracked, null);
            TaskBridge.onCompose(untracked, null);
            assertThat(completed).as("a future nothing tracks costs its field read").isEmpty();
            assertThat(used).isEmpty();

            TaskBridge.onCompletion(true, tracked, record);
            TaskBridge.onChain(tracked, record);
            TaskBridge.onHandle(tracked, record);
            TaskBridge.onCompose(tracked, record);
            assertThat(completed).containsExactly(tracked);
            assertThat(used).containsExactly("CHAIN", "HANDLE", "COMPOSE");

            TaskBridge.unmarkedConcerns.incrementAndGet(); // a failure waits to be observed, a suspect, a table record
            try {
                TaskBridge.onCompletion(true, untracked, null);
                TaskBridge.onHandle(untracked, null);
                assertThat(completed).as("something the field cannot show").containsExactly(tracked, untracked);
                assertThat(used).containsExactly("CHAIN", "HANDLE", "COMPOSE", "HANDLE");

                TaskBridge.onTrackedChain(untracked, null);
                TaskBridge.onTrackedCompose(untracked, null);
                assertThat(used).as("a stage on an untracked future concerns nothing where the field shows records")
                        .containsExactly("CHAIN", "HANDLE", "COMPOSE", "HANDLE");
                TaskBridge.onTrackedChain(tracked, record);
                TaskBridge.onTrackedCompose(tracked, record);
                assertThat(used).containsExactly("CHAIN", "HANDLE", "COMPOSE", "HANDLE", "CHAIN", "COMPOSE");
            } finally {
                TaskBridge.unmarkedConcerns.decrementAndGet();
            }
        } finally {
            TaskBridge.watched.decrementAndGet();
        }
    }

    private class Recording implements TaskBridge.Handler {
        @Override
        public void discarded(Object value, int site) {
        }

        @Override
        public void created(Object value, int site) {
            created.add(value);
        }

        @Override
        public void completed(Object future) {
            completed.add(future);
        }

        @Override
        public void used(Object future, int use) {
            used.add(use == TaskBridge.CHAIN ? "CHAIN" : use == TaskBridge.HANDLE ? "HANDLE"
                    : use == TaskBridge.COMPOSE ? "COMPOSE" : String.valueOf(use));
        }

        @Override
        public void allOrAny(Object[] futures) {
        }

        @Override
        public void rejected(Runnable task, Object executor, Object policy) {
        }

        @Override
        public void unrunTasks(Object tasks, Object executor, int site) {
        }

        @Override
        public void uncaught(Thread thread, Throwable failure) {
        }
    }
}
