package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.tasks.TrackingLevel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.bootstrap.TaskBridge;
import dev.loopguard.agent.internal.RecordingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tracker's rules, driven by calling the bridge methods the advice would call (the forked-JVM tests check the
 * advice itself). Each test names in comments the advice call it stands for.
 */
class FutureTrackerTest {

    private static FutureInternals internals;
    private static java.lang.instrument.Instrumentation instrumentation;

    private final RecordingContext context = new RecordingContext(name -> name.startsWith("com.acme."));
    private final CallSites sites = new CallSites();
    private final int createdSite = sites.register("com.acme.Pump", "run", "Pump.java", 41,
            "java.util.concurrent.CompletableFuture", "supplyAsync", "java.util.concurrent.CompletableFuture",
            CallSite.Disposition.RETURNED_FUTURE);
    private final int chainedSite = sites.register("com.acme.Pump", "run", "Pump.java", 42,
            "java.util.concurrent.CompletableFuture", "thenApply", "java.util.concurrent.CompletableFuture",
            CallSite.Disposition.RETURNED_FUTURE);
    private final int droppedSubmit = sites.register("com.acme.Pump", "fire", "Pump.java", 50,
            "java.util.concurrent.ExecutorService", "submit", "java.util.concurrent.Future",
            CallSite.Disposition.DROPPED_FRAMEWORK_FUTURE);
    private final int droppedMono = sites.register("com.acme.Pump", "save", "Pump.java", 60,
            "com.acme.Repo", "save", "reactor.core.publisher.Mono", CallSite.Disposition.DROPPED_PUBLISHER);
    private FutureTracker tracker;

    @BeforeAll
    static void openInternals() {
        instrumentation = ByteBuddyAgent.install();
        internals = FutureInternals.open(instrumentation);
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.stop();
        }
    }

    private FutureTracker start(TrackingLevel level, boolean strict) {
        tracker = new FutureTracker(sites, context, internals, level, strict);
        tracker.start();
        return tracker;
    }

    /**
     * Fails the future and calls the tracker while its dependents are still on its stack, as the advice on exit of
     * {@code internalComplete} does (before {@code postComplete} runs them). The probe is pushed last, so it runs
     * first, popped off the stack, with every other dependent still in place.
     */
    private void failAsTheAdviceSeesIt(CompletableFuture<?> future) {
        future.whenComplete((v, e) -> tracker.completed(future));
        future.completeExceptionally(failure());
    }

    private static IOException failure() {
        return new IOException("disk full");
    }

    @Test
    void anUnobservedFailureIsReportedAtExitWithTheSiteThatCreatedIt() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> future = new CompletableFuture<>();
        tracker.created(future, createdSite);
        future.completeExceptionally(failure());
        tracker.completed(future); // advice on exit of completeExceptionally

        assertThat(TaskBridge.unobservedFailures).isEqualTo(1);
        tracker.reportAtExit();

        assertThat(context.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.UNHANDLED_FAILURE);
            assertThat(f.createdAt()).contains("com.acme.Pump.run(Pump.java:41)");
            assertThat(f.site()).contains("com.acme.Pump.run(Pump.java:41)");
            assertThat(f.exception().orElseThrow().type()).isEqualTo("java.io.IOException");
            assertThat(f.exception().orElseThrow().message()).contains("disk full");
            assertThat(f.message()).contains("supplyAsync at Pump.java:41", "disk full", "nothing observed");
            assertThat(f.thread()).isEqualTo(Thread.currentThread().getName());
        });
        assertThat(TaskBridge.unobservedFailures).isZero();
    }

    @Test
    void aFailureObservedLongAfterItHappenedIsNotAFinding() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> future = new CompletableFuture<>();
        tracker.created(future, createdSite);
        future.completeExceptionally(failure());
        tracker.completed(future);

        tracker.used(future, TaskBridge.READ); // advice on entry of join(), long after the failure
        tracker.reportAtExit();

        assertThat(context.findings()).isEmpty();
        assertThat(TaskBridge.unobservedFailures).isZero();
    }

    @Test
    void onlyTheUnobservedLeafOfAChainReports() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> source = new CompletableFuture<>();
        tracker.created(source, createdSite);
        CompletableFuture<Integer> leaf = source.thenApply(String::length);
        tracker.created(leaf, chainedSite);

        failAsTheAdviceSeesIt(source); // the source has a dependent that passes the failure on: not the leaf
        tracker.completed(leaf);       // the dependent failed in turn
        tracker.reportAtExit();

        assertThat(context.findings()).singleElement().satisfies(f -> {
            assertThat(f.createdAt()).contains("com.acme.Pump.run(Pump.java:42)");
            assertThat(f.exception().orElseThrow().type()).isEqualTo("java.io.IOException");
        });
    }

    @Test
    void aChainThatHandlesTheFailureHasNoFindingEvenThoughWhenCompleteFailsToo() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> source = new CompletableFuture<>();
        tracker.created(source, createdSite);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        CompletableFuture<String> logged = source.whenComplete((v, e) -> seen.set(e));
        tracker.created(logged, chainedSite);

        failAsTheAdviceSeesIt(source);
        tracker.completed(logged); // whenComplete's stage fails with the same, already observed, exception
        tracker.reportAtExit();

        assertThat(seen.get()).isInstanceOf(IOException.class);
        assertThat(logged).isCompletedExceptionally();
        assertThat(context.findings()).isEmpty();
    }

    @Test
    void cancellationAndRequestedTimeoutsAreNotFailures() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        tracker.created(cancelled, createdSite);
        cancelled.cancel(false);
        tracker.completed(cancelled);

        CompletableFuture<String> timedOut = new CompletableFuture<String>().orTimeout(1, TimeUnit.MILLISECONDS);
        tracker.created(timedOut, chainedSite);
        await().atMost(Duration.ofSeconds(10)).until(timedOut::isDone);
        tracker.completed(timedOut);
        tracker.reportAtExit();

        assertThat(context.findings()).isEmpty();
    }

    @Test
    void anAnyOfLoserThatFailsAfterTheWinnerIsNotAFinding() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> winner = new CompletableFuture<>();
        CompletableFuture<String> loser = new CompletableFuture<>();
        tracker.created(winner, createdSite);
        tracker.created(loser, chainedSite);
        CompletableFuture<Object> first = CompletableFuture.anyOf(winner, loser);
        tracker.allOrAny(new Object[] {winner, loser}); // advice on entry of anyOf

        winner.complete("first");
        tracker.completed(winner);
        loser.completeExceptionally(failure());
        tracker.completed(loser);
        tracker.reportAtExit();

        assertThat(first.join()).isEqualTo("first");
        assertThat(context.findings()).isEmpty();
    }

    @Test
    void aFutureThatCompletesNormallyIsForgotten() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> future = new CompletableFuture<>();
        tracker.created(future, createdSite);
        tracker.used(future, TaskBridge.CHAIN); // advice on entry of thenApply
        future.thenApply(String::length);
        future.complete("done");
        tracker.completed(future);

        assertThat(tracker.trackedCount()).isZero();
        tracker.reportAtExit();
        assertThat(context.findings()).isEmpty();
    }

    @Test
    void aFutureHandedOutAgainIsTrackedOnceEvenWhenASubclassReturnsItFromAStageMethod() {
        start(TrackingLevel.FULL, false);
        int handedOut = sites.register("com.acme.Pump", "current", "Pump.java", 70, "com.acme.Pump", "pending",
                "java.util.concurrent.CompletableFuture", CallSite.Disposition.RETURNED_FUTURE);
        CompletableFuture<String> shared = new CompletableFuture<>();
        tracker.created(shared, createdSite);
        tracker.created(shared, handedOut); // an application method that returns a field
        assertThat(tracker.trackedCount()).isEqualTo(1);

        SelfReturning self = new SelfReturning();
        tracker.created(self, createdSite);
        tracker.created(self.thenApply(x -> x), chainedSite); // a stage method that is not the JDK's: looked up
        assertThat(tracker.trackedCount()).isEqualTo(2);
    }

    /** A subclass whose {@code thenApply} hands back the receiver, as no JDK stage method does. */
    private static final class SelfReturning extends CompletableFuture<Object> {
        @Override
        @SuppressWarnings("unchecked")
        public <U> CompletableFuture<U> thenApply(java.util.function.Function<? super Object, ? extends U> fn) {
            return (CompletableFuture<U>) this;
        }
    }

    @Test
    void theTaskOfATrackedAsynchronousStageIsNamedByTheStagesCallSite() {
        start(TrackingLevel.FULL, false);
        List<Runnable> handed = new ArrayList<>();
        CompletableFuture<Integer> source = new CompletableFuture<>();
        CompletableFuture<Integer> stage = source.thenApplyAsync(x -> x + 1, handed::add);
        tracker.created(stage, chainedSite);
        CompletableFuture<Integer> supplied = CompletableFuture.supplyAsync(() -> 1, handed::add);
        tracker.created(supplied, createdSite);
        CompletableFuture<Integer> untracked = source.thenApplyAsync(x -> x, handed::add);
        source.complete(1);

        assertThat(handed).hasSize(3);
        assertThat(tracker.stageSiteOf(handed.get(0))).hasToString("com.acme.Pump.run(Pump.java:41)");
        assertThat(handed).extracting(tracker::stageSiteOf).map(String::valueOf).containsExactlyInAnyOrder(
                "com.acme.Pump.run(Pump.java:41)", "com.acme.Pump.run(Pump.java:42)", "null");
        assertThat(tracker.stageSiteOf((Runnable) () -> { })).isNull();
        assertThat(untracked).isNotDone();
    }

    @Test
    void theTaskOfAStageChainedAtOnceIsNamedByTheTrackedStageChainedOntoIt() {
        start(TrackingLevel.FULL, false);
        List<Runnable> handed = new ArrayList<>();
        CompletableFuture<Integer> source = new CompletableFuture<>();
        // source.thenApplyAsync(f, loop).thenApplyAsync(g, loop).handle(h): the rewriter tags only the leaf
        CompletableFuture<Integer> leaf = source.thenApplyAsync(x -> x + 1, handed::add)
                .thenApplyAsync(x -> x * 2, handed::add)
                .handle((x, failure) -> failure == null ? x : -1);
        tracker.created(leaf, chainedSite);
        CompletableFuture<Integer> unchained = source.thenApplyAsync(x -> x, handed::add);
        source.complete(1);

        assertThat(handed).as("the first stage, named through the second; a stage with nothing tracked downstream")
                .extracting(tracker::stageSiteOf).map(String::valueOf)
                .containsExactlyInAnyOrder("com.acme.Pump.run(Pump.java:42)", "null");
        Runnable first = handed.stream().filter(task -> tracker.stageSiteOf(task) != null).findFirst().orElseThrow();
        handed.clear();
        first.run();
        assertThat(handed).as("the second stage, whose own dependent is the leaf").singleElement()
                .satisfies(task -> assertThat(tracker.stageSiteOf(task)).hasToString("com.acme.Pump.run(Pump.java:42)"));
        assertThat(unchained).isNotDone();
        assertThat(leaf).isNotDone();
    }

    @Test
    void aPendingFutureWithCallbacksThatBecomesUnreachableIsALostTask() {
        start(TrackingLevel.FULL, false);
        CountDownLatch callbackRan = new CountDownLatch(1);
        createAndAbandon(callbackRan);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return !context.findings(FindingKind.LOST_TASK).isEmpty();
        });
        Finding lost = context.findings(FindingKind.LOST_TASK).get(0);
        assertThat(lost.createdAt()).contains("com.acme.Pump.run(Pump.java:41)");
        assertThat(lost.reason()).contains("unreachable while pending with waiting callbacks");
        assertThat(lost.message()).contains("never run");
        assertThat(callbackRan.getCount()).isEqualTo(1);
    }

    private void createAndAbandon(CountDownLatch callbackRan) {
        CompletableFuture<String> abandoned = new CompletableFuture<>();
        tracker.created(abandoned, createdSite);
        tracker.used(abandoned, TaskBridge.CHAIN); // advice on entry of thenRun
        abandoned.thenRun(callbackRan::countDown);
    }

    @Test
    void aPendingFutureWithoutCallbacksMayBeDroppedFreely() {
        start(TrackingLevel.FULL, false);
        CompletableFuture<String> kept = new CompletableFuture<>();
        tracker.created(kept, chainedSite);
        tracker.created(new CompletableFuture<String>(), createdSite);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return tracker.trackedCount() == 1; // the reaper judged the dropped one
        });
        assertThat(context.findings()).isEmpty();
        assertThat(kept).isNotDone();
    }

    @Test
    void theBridgeCountsWhatIsTrackedAtSampledAndIsPinnedAtFull() {
        int off = TaskBridge.watched.get();
        start(TrackingLevel.SAMPLED, false);
        int before = TaskBridge.watched.get();
        assertThat(off).as("and while tracking is off, whatever is counted").isLessThan(-1_000_000);
        CompletableFuture<String> future = new CompletableFuture<>();
        tracker.created(future, createdSite); // one of the site's first futures: tracked
        assertThat(TaskBridge.watched.get()).as("completion hooks call in while it is tracked").isEqualTo(before + 1)
                .isPositive();
        future.complete("done");
        tracker.completed(future);
        assertThat(TaskBridge.watched.get()).as("and skip the agent again once it left").isEqualTo(before);
        tracker.stop();

        start(TrackingLevel.FULL, false);
        CompletableFuture<String> other = new CompletableFuture<>();
        tracker.created(other, createdSite);
        assertThat(TaskBridge.watched.get()).as("pinned, not counted, at full").isEqualTo(before + 1);
        tracker.stop();
        tracker = null;
        assertThat(TaskBridge.watched.get()).isEqualTo(off);
    }

    @Test
    void whatNoRecordFieldShowsIsCountedForTheCompletionHooks() {
        start(TrackingLevel.SAMPLED, false);
        assertThat(RecordField.present()).as("attached late, this JVM's CompletableFuture has no record field")
                .isFalse();
        int before = TaskBridge.unmarkedConcerns.get();
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        tracker.created(first, createdSite);
        tracker.created(second, createdSite);
        assertThat(TaskBridge.unmarkedConcerns.get()).as("records kept in the hashed table").isEqualTo(before + 2);

        first.completeExceptionally(failure());
        tracker.completed(first); // advice on exit of completeThrowable
        second.completeExceptionally(failure());
        tracker.completed(second);
        assertThat(TaskBridge.unobservedFailures).isEqualTo(2);
        assertThat(TaskBridge.unmarkedConcerns.get()).as("the records, and failures waiting, once")
                .isEqualTo(before + 3);

        tracker.used(first, TaskBridge.READ); // advice on entry of join()
        tracker.used(second, TaskBridge.READ);
        assertThat(TaskBridge.unmarkedConcerns.get()).as("observed and dropped").isEqualTo(before);
    }

    @Test
    void aDroppedFutureTaskThatThrowsIsReportedWithTheDropSite() throws Exception {
        start(TrackingLevel.SAMPLED, false);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch release = new CountDownLatch(1);
            FutureTask<Void> task = new FutureTask<>(() -> {
                release.await();
                throw new UncheckedIOException(failure());
            });
            tracker.discarded(task, droppedSubmit); // rewritten POP after submit(...)
            executor.execute(task);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(task::isDone);
            tracker.completed(task); // advice on exit of FutureTask.finishCompletion

            assertThat(context.findings()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(FindingKind.UNHANDLED_FAILURE);
                assertThat(f.discardedAt()).contains("com.acme.Pump.fire(Pump.java:50)");
                assertThat(f.message()).contains("returned by submit at Pump.java:50 was dropped");
                assertThat(f.exception().orElseThrow().type()).isEqualTo(UncheckedIOException.class.getName());
            });
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aDroppedPublisherIsReportedOncePerSite() {
        start(TrackingLevel.OFF, false);
        tracker.discarded(new Object(), droppedMono);
        tracker.discarded(new Object(), droppedMono);

        assertThat(context.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.IGNORED_FUTURE);
            assertThat(f.site()).contains("com.acme.Pump.save(Pump.java:60)");
            assertThat(f.operation()).contains("com.acme.Repo.save");
            assertThat(f.returnType()).contains("reactor.core.publisher.Mono");
            assertThat(f.message()).contains("nothing subscribes to it", "never runs");
        });
    }

    @Test
    void aDroppedJdkFutureIsAFindingOnlyInStrictMode() {
        start(TrackingLevel.OFF, false);
        tracker.discarded(new CompletableFuture<>(), droppedSubmit);
        assertThat(context.findings()).isEmpty();
        tracker.stop();

        start(TrackingLevel.OFF, true);
        tracker.discarded(new CompletableFuture<>(), droppedSubmit);
        assertThat(context.findings()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("ignoredFutures=strict"));
    }

    @Test
    void withTrackingOffNoFutureIsTracked() {
        start(TrackingLevel.OFF, false);
        CompletableFuture<String> future = new CompletableFuture<>();
        tracker.created(future, createdSite);
        assertThat(tracker.trackedCount()).isZero();
        assertThat(TaskBridge.isTracking()).isFalse();
    }

    @Test
    void aFutureThatFailedBeforeItReachedApplicationCodeIsJudgedAtOnce() {
        start(TrackingLevel.FULL, false);
        tracker.created(CompletableFuture.failedFuture(failure()), createdSite);
        assertThat(TaskBridge.unobservedFailures).isEqualTo(1);
        tracker.reportAtExit();
        assertThat(context.findings(FindingKind.UNHANDLED_FAILURE)).hasSize(1);
    }

    @Test
    void aTrackedPendingFutureCostsAtMost64BytesBeyondTheFutureItself() {
        start(TrackingLevel.FULL, false);
        List<CompletableFuture<String>> pending = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            CompletableFuture<String> future = new CompletableFuture<>();
            pending.add(future);
            tracker.created(future, createdSite);
        }
        TrackedFuture record = tracker.table().find(pending.get(0));
        long recordBytes = instrumentation.getObjectSize(record);
        double slotBytes = (double) tracker.table().slotBytes(instrumentation::getObjectSize) / pending.size();
        // The record plus its share of the table; the future's identity hash lives in its header, which costs nothing.
        assertThat(recordBytes + slotBytes).as("record %d bytes + %.1f bytes of slots", recordBytes, slotBytes)
                .isLessThanOrEqualTo(64.0);
        assertThat(tracker.trackedCount()).isEqualTo(10_000);
    }
}
