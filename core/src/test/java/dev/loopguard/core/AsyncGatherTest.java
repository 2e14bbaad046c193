package dev.loopguard.core;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Async.gather and its settled and bounded forms")
class AsyncGatherTest {

    private VirtualClock clock;
    private EventLoop loop;

    @BeforeEach
    void startLoop() {
        clock = VirtualClock.create();
        loop = EventLoop.builder().name("gather-test").clock(clock).build();
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    /** A stage that completes with {@code value} after {@code millis} of loop time. */
    private <T> CompletableFuture<T> after(long millis, T value) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        loop.schedule(() -> stage.complete(value), Duration.ofMillis(millis));
        return stage;
    }

    private CompletableFuture<String> failingAfter(long millis, Throwable failure) {
        CompletableFuture<String> stage = new CompletableFuture<>();
        loop.schedule(() -> stage.completeExceptionally(failure), Duration.ofMillis(millis));
        return stage;
    }

    @Nested
    @DisplayName("gather")
    class Gather {

        @Test
        void givesTheValuesInListOrderNotCompletionOrder() {
            CompletableFuture<List<String>> all =
                    Async.gather(List.of(after(300, "a"), after(100, "b"), after(200, "c")));

            clock.advanceBy(Duration.ofMillis(299));
            assertThat(all).isNotDone();
            clock.advanceBy(Duration.ofMillis(1));

            assertThat(all.join()).containsExactly("a", "b", "c");
        }

        @Test
        void failsWithTheFirstFailureAndCancelsTheSiblings() {
            CompletableFuture<String> slow = new CompletableFuture<>();
            CompletableFuture<String> done = completedFuture("done");
            IOException first = new IOException("first");
            CompletableFuture<List<String>> all = Async.gather(List.of(slow, failingAfter(100, first), done,
                    failingAfter(200, new IOException("second"))));

            clock.advanceBy(Duration.ofMillis(100));
            assertThatThrownBy(all::join).isInstanceOf(CompletionException.class).cause().isSameAs(first);
            clock.advanceBy(Duration.ofMillis(100));

            assertThatThrownBy(all::join).cause().isSameAs(first);
            assertThat(slow).isCancelled();
            assertThat(done).isCompletedWithValue("done");
            assertThat(first.getSuppressed()).isEmpty();
        }

        @Test
        void givesAnEmptyListForNoStages() {
            assertThat(Async.gather(List.of()).join()).isEmpty();
        }

        @Test
        void keepsNullValuesAndReturnsAnUnmodifiableList() {
            List<String> values = Async.gather(Arrays.asList(completedFuture("x"), completedFuture((String) null))).join();

            assertThat(values).containsExactly("x", null);
            assertThatThrownBy(() -> values.add("y")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void cancellingTheResultCancelsEveryStage() {
            CompletableFuture<String> a = new CompletableFuture<>();
            CompletableFuture<String> b = new CompletableFuture<>();

            Async.gather(List.of(a, b)).cancel(true);

            assertThat(a).isCancelled();
            assertThat(b).isCancelled();
        }

        @Test
        void unwrapsFailuresOfDependentStages() {
            CompletableFuture<String> source = new CompletableFuture<>();
            CompletableFuture<List<String>> all = Async.gather(List.of(source.thenApply(s -> s + "!")));

            IOException failure = new IOException("deep");
            source.completeExceptionally(failure);

            assertThatThrownBy(all::join).cause().isSameAs(failure);
        }

        @Test
        void rejectsANullListOrElementNamingTheIndex() {
            assertThatThrownBy(() -> Async.gather(null))
                    .isInstanceOf(NullPointerException.class).hasMessage("gather stages");
            assertThatThrownBy(() -> Async.gather(Arrays.asList(completedFuture(1), null)))
                    .isInstanceOf(NullPointerException.class).hasMessage("gather stages[1]");
        }

        @Test
        void collectsInOrderWhileManyThreadsCompleteTheStagesInRandomOrder() throws Exception {
            int count = 2000;
            List<CompletableFuture<Integer>> stages = IntStream.range(0, count)
                    .mapToObj(i -> new CompletableFuture<Integer>()).collect(Collectors.toList());
            CompletableFuture<List<Integer>> all = Async.gather(stages);
            List<Integer> order = IntStream.range(0, count).boxed().collect(Collectors.toList());
            Collections.shuffle(order, new Random(7));

            completeFromThreads(8, order, i -> stages.get(i).complete(i * 10));

            List<Integer> values = all.get(10, TimeUnit.SECONDS);
            assertThat(values).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(values.get(i)).isEqualTo(i * 10);
            }
        }
    }

    @Nested
    @DisplayName("gatherSettled")
    class GatherSettled {

        @Test
        void reportsEveryOutcomeInListOrderOnceAllHaveCompleted() {
            IOException failure = new IOException("sensor 2 offline");
            CompletableFuture<String> cancelled = new CompletableFuture<>();
            CompletableFuture<List<Outcome<String>>> all = Async.gatherSettled(List.of(
                    after(200, "one"), failingAfter(100, failure), cancelled, after(50, "four")));
            cancelled.cancel(false);

            clock.advanceBy(Duration.ofMillis(199));
            assertThat(all).isNotDone();
            clock.advanceBy(Duration.ofMillis(1));

            List<Outcome<String>> outcomes = all.join();
            assertThat(outcomes.get(0)).isEqualTo(Outcome.success("one"));
            assertThat(outcomes.get(1)).isEqualTo(Outcome.failure(failure));
            assertThat(outcomes.get(2)).isInstanceOfSatisfying(Outcome.Failure.class,
                    f -> assertThat(f.error()).isInstanceOf(CancellationException.class));
            assertThat(outcomes.get(3).getOrThrow()).isEqualTo("four");
            assertThatThrownBy(outcomes.get(1)::getOrThrow).isInstanceOf(CompletionException.class).hasCause(failure);
            assertThatThrownBy(outcomes.get(2)::getOrThrow).isInstanceOf(CancellationException.class);
            assertThat(outcomes).extracting(Outcome::isSuccess).containsExactly(true, false, false, true);
        }

        @Test
        void cancellingTheResultCancelsEveryStage() {
            CompletableFuture<String> a = new CompletableFuture<>();

            Async.gatherSettled(List.of(a)).cancel(true);

            assertThat(a).isCancelled();
        }

        @Test
        void settlesWhileManyThreadsCompleteAndFailStages() throws Exception {
            int count = 1000;
            List<CompletableFuture<Integer>> stages = IntStream.range(0, count)
                    .mapToObj(i -> new CompletableFuture<Integer>()).collect(Collectors.toList());
            CompletableFuture<List<Outcome<Integer>>> all = Async.gatherSettled(stages);
            List<Integer> order = IntStream.range(0, count).boxed().collect(Collectors.toList());
            Collections.shuffle(order, new Random(11));

            completeFromThreads(8, order, i -> {
                if (i % 3 == 0) {
                    stages.get(i).completeExceptionally(new IOException("task " + i));
                } else {
                    stages.get(i).complete(i);
                }
            });

            List<Outcome<Integer>> outcomes = all.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < count; i++) {
                Outcome<Integer> outcome = outcomes.get(i);
                if (i % 3 == 0) {
                    assertThat(((Outcome.Failure<Integer>) outcome).error()).hasMessage("task " + i);
                } else {
                    assertThat(outcome).isEqualTo(Outcome.success(i));
                }
            }
        }

        @Test
        void outcomesReadWithPatternMatchingAsTheDocumentationShows() {
            List<String> stored = new ArrayList<>();
            List<Throwable> logged = new ArrayList<>();
            IOException failure = new IOException("offline");
            List<CompletableFuture<String>> reads = List.of(completedFuture("21.5"), failedFuture(failure));

            for (Outcome<String> outcome : Async.gatherSettled(reads).join()) {
                if (outcome instanceof Outcome.Success<String> ok) {
                    stored.add(ok.value());
                } else if (outcome instanceof Outcome.Failure<String> failed) {
                    logged.add(failed.error());
                }
            }

            assertThat(stored).containsExactly("21.5");
            assertThat(logged).containsExactly(failure);
        }

        @Test
        void aFailureOutcomeRequiresAnError() {
            assertThatThrownBy(() -> Outcome.failure(null)).isInstanceOf(NullPointerException.class).hasMessage("error");
        }
    }

    @Nested
    @DisplayName("gatherBounded")
    class GatherBounded {

        @Test
        void startsAtMostMaxInFlightAndTheNextAsEachCompletes() {
            List<CompletableFuture<Integer>> started = Collections.synchronizedList(new ArrayList<>());
            List<Supplier<CompletableFuture<Integer>>> tasks = IntStream.range(0, 5)
                    .mapToObj(i -> (Supplier<CompletableFuture<Integer>>) () -> {
                        CompletableFuture<Integer> stage = new CompletableFuture<>();
                        started.add(stage);
                        return stage;
                    })
                    .collect(Collectors.toList());

            CompletableFuture<List<Integer>> all = Async.gatherBounded(2, tasks);
            assertThat(started).hasSize(2);

            started.get(1).complete(1);
            assertThat(started).hasSize(3);
            started.get(0).complete(0);
            assertThat(started).hasSize(4);
            started.get(3).complete(3);
            assertThat(started).hasSize(5);
            started.get(2).complete(2);
            started.get(4).complete(4);

            assertThat(all).isCompletedWithValue(List.of(0, 1, 2, 3, 4));
        }

        @Test
        void runsSixTasksOfOneHundredMillisecondsTwoAtATimeInThreeHundred() {
            List<Duration> startTimes = Collections.synchronizedList(new ArrayList<>());
            List<Supplier<CompletionStage<String>>> tasks = IntStream.range(0, 6)
                    .mapToObj(i -> (Supplier<CompletionStage<String>>) () -> {
                        startTimes.add(clock.elapsed());
                        return after(100, "task " + i);
                    })
                    .collect(Collectors.toList());

            CompletableFuture<List<String>> all = Async.gatherBounded(2, tasks);
            clock.advanceBy(Duration.ofMillis(299));
            assertThat(all).isNotDone();
            clock.advanceBy(Duration.ofMillis(1));

            assertThat(all.join()).containsExactly("task 0", "task 1", "task 2", "task 3", "task 4", "task 5");
            assertThat(startTimes).containsExactly(Duration.ZERO, Duration.ZERO,
                    Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(200));
        }

        @Test
        void handlesAHundredThousandAlreadyCompletedStagesWithoutDeepRecursion() {
            int count = 100_000;
            List<Supplier<CompletionStage<Integer>>> tasks = IntStream.range(0, count)
                    .mapToObj(i -> (Supplier<CompletionStage<Integer>>) () -> completedFuture(i))
                    .collect(Collectors.toList());

            List<Integer> values = Async.gatherBounded(3, tasks).join();

            assertThat(values).hasSize(count);
            assertThat(values.get(count - 1)).isEqualTo(count - 1);
        }

        @Test
        void theFirstFailureCancelsTheRunningTasksAndStartsNoMore() {
            List<CompletableFuture<String>> started = Collections.synchronizedList(new ArrayList<>());
            IOException failure = new IOException("task 1 failed");
            List<Supplier<CompletableFuture<String>>> tasks = IntStream.range(0, 6)
                    .mapToObj(i -> (Supplier<CompletableFuture<String>>) () -> {
                        CompletableFuture<String> stage = new CompletableFuture<>();
                        started.add(stage);
                        return stage;
                    })
                    .collect(Collectors.toList());

            CompletableFuture<List<String>> all = Async.gatherBounded(3, tasks);
            started.get(1).completeExceptionally(failure);

            assertThatThrownBy(all::join).cause().isSameAs(failure);
            assertThat(started).hasSize(3);
            assertThat(started.get(0)).isCancelled();
            assertThat(started.get(2)).isCancelled();
        }

        @Test
        void aSupplierThatThrowsOrReturnsNullFailsTheGather() {
            IllegalStateException thrown = new IllegalStateException("cannot start");
            Supplier<CompletionStage<String>> throwing = () -> {
                throw thrown;
            };
            Supplier<CompletionStage<String>> returnsNull = () -> null;

            assertThatThrownBy(Async.gatherBounded(1, List.of(throwing))::join).cause().isSameAs(thrown);
            assertThatThrownBy(Async.gatherBounded(1, List.of(returnsNull))::join).cause()
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("gatherBounded suppliers[0] returned null instead of a CompletionStage");
        }

        @Test
        void cancellingTheResultCancelsTheRunningTasksAndStartsNoMore() {
            List<CompletableFuture<String>> started = Collections.synchronizedList(new ArrayList<>());
            List<Supplier<CompletableFuture<String>>> tasks = IntStream.range(0, 4)
                    .mapToObj(i -> (Supplier<CompletableFuture<String>>) () -> {
                        CompletableFuture<String> stage = new CompletableFuture<>();
                        started.add(stage);
                        return stage;
                    })
                    .collect(Collectors.toList());

            Async.gatherSettledBounded(2, tasks).cancel(true);

            assertThat(started).hasSize(2).allSatisfy(stage -> assertThat(stage).isCancelled());
        }

        @Test
        void theSettledFormReportsEveryOutcomeAndKeepsGoingAfterFailures() {
            IOException failure = new IOException("odd");
            List<Supplier<CompletionStage<Integer>>> tasks = IntStream.range(0, 6)
                    .mapToObj(i -> (Supplier<CompletionStage<Integer>>) () -> i % 2 == 1
                            ? failedFuture(failure)
                            : after(10, i))
                    .collect(Collectors.toList());

            CompletableFuture<List<Outcome<Integer>>> all = Async.gatherSettledBounded(2, tasks);
            clock.advanceBy(Duration.ofMillis(100));

            assertThat(all.join()).containsExactly(Outcome.success(0), Outcome.failure(failure), Outcome.success(2),
                    Outcome.failure(failure), Outcome.success(4), Outcome.failure(failure));
        }

        @Test
        void neverHasMoreThanMaxInFlightRunningWhenManyThreadsCompleteTasks() throws Exception {
            ExecutorService workers = Executors.newFixedThreadPool(8);
            try {
                int limit = 5;
                AtomicInteger running = new AtomicInteger();
                AtomicInteger maxRunning = new AtomicInteger();
                List<Supplier<CompletionStage<Integer>>> tasks = IntStream.range(0, 500)
                        .mapToObj(i -> (Supplier<CompletionStage<Integer>>) () -> {
                            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                            return CompletableFuture.supplyAsync(() -> {
                                Thread.yield();
                                running.decrementAndGet();
                                return i;
                            }, workers);
                        })
                        .collect(Collectors.toList());

                List<Integer> values = Async.gatherBounded(limit, tasks).get(30, TimeUnit.SECONDS);

                assertThat(values).isEqualTo(IntStream.range(0, 500).boxed().collect(Collectors.toList()));
                assertThat(maxRunning.get()).isBetween(1, limit);
            } finally {
                workers.shutdownNow();
            }
        }

        @Test
        void rejectsBadArgumentsWithMessagesNamingParameterValueAndRange() {
            Supplier<CompletionStage<Integer>> task = () -> completedFuture(1);

            assertThatThrownBy(() -> Async.gatherBounded(0, List.of(task)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gatherBounded maxInFlight must be >= 1, was 0");
            assertThatThrownBy(() -> Async.gatherSettledBounded(-3, List.of(task)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gatherSettledBounded maxInFlight must be >= 1, was -3");
            assertThatThrownBy(() -> Async.gatherBounded(2, null))
                    .isInstanceOf(NullPointerException.class).hasMessage("gatherBounded suppliers");
            assertThatThrownBy(() -> Async.gatherBounded(2, Arrays.asList(task, null)))
                    .isInstanceOf(NullPointerException.class).hasMessage("gatherBounded suppliers[1]");
            assertThat(Async.gatherBounded(2, List.<Supplier<CompletionStage<Integer>>>of()).join()).isEmpty();
        }
    }

    /** Runs {@code action} for each index of {@code order}, spread over {@code threads} threads released together. */
    private static void completeFromThreads(int threads, List<Integer> order, java.util.function.IntConsumer action)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                done.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int k = offset; k < order.size(); k += threads) {
                        action.accept(order.get(k));
                    }
                }, pool));
            }
            go.countDown();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }
}
