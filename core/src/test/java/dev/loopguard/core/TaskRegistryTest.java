package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

    private static final Instant START = Instant.parse("2026-11-21T11:27:11Z");

    private final VirtualClock clock = VirtualClock.startingAt(START);
    private final EventLoop loop = EventLoop.builder().name("tasks-test").clock(clock).build();
    private final TaskRegistry tasks = TaskRegistry.on(loop);

    @AfterEach
    void closeLoop() {
        loop.shutdownNow();
    }

    /** Bodies whose runs the test completes by hand. */
    static final class ManualRuns {
        final List<CompletableFuture<Integer>> runs = new CopyOnWriteArrayList<>();

        CompletableFuture<Integer> next() {
            CompletableFuture<Integer> run = new CompletableFuture<>();
            runs.add(run);
            return run;
        }

        CompletableFuture<Integer> last() {
            return runs.get(runs.size() - 1);
        }
    }

    private void advance(long seconds) {
        clock.advanceBy(Duration.ofSeconds(seconds));
    }

    @Nested
    @DisplayName("names")
    class Names {

        @Test
        @DisplayName("gives a taken name the first free suffix: blink, blink_1, blink_2")
        void uniqueNames() {
            TaskSpec<Integer> blink = TaskSpec.async("blink", () -> CompletableFuture.completedFuture(1));

            assertThat(tasks.add(blink)).isEqualTo("blink");
            assertThat(tasks.add(blink)).isEqualTo("blink_1");
            assertThat(tasks.add(blink)).isEqualTo("blink_2");
            assertThat(tasks.names()).containsExactly("blink", "blink_1", "blink_2");
        }

        @Test
        @DisplayName("rejects an unknown name and lists the known ones")
        void unknownName() {
            tasks.add(TaskSpec.async("blink", () -> CompletableFuture.completedFuture(1)));
            tasks.add(TaskSpec.async("pump", () -> CompletableFuture.completedFuture(1)));

            assertThatThrownBy(() -> tasks.start("blnk")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no task named 'blnk'; known tasks: [blink, pump]");
            assertThatThrownBy(() -> tasks.status("pmp")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no task named 'pmp'; known tasks: [blink, pump]");
            assertThatThrownBy(() -> tasks.stop(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("task name");
        }
    }

    @Nested
    @DisplayName("status lines")
    class StatusLines {

        @Test
        @DisplayName("shows added, running since, and done with the result")
        void runningThenDone() {
            ManualRuns blink = new ManualRuns();
            tasks.add(TaskSpec.async("blink", blink::next));
            assertThat(tasks.render("blink")).isEqualTo("● blink: status: added, not started");

            tasks.start("blink");
            clock.runUntilIdle();
            advance(38);
            assertThat(tasks.render("blink")).isEqualTo("● blink: status: running since 2026-11-21 11:27:11; 38 s ago");

            blink.last().complete(42);
            clock.runUntilIdle();
            advance(3);
            assertThat(tasks.render("blink"))
                    .isEqualTo("● blink: status: done @ 2026-11-21 11:27:49; 3 s ago --> result: 42");
            TaskStatus status = tasks.status("blink");
            assertThat(status.state()).isEqualTo(TaskState.DONE);
            assertThat(status.runningSince()).contains(START);
            assertThat(status.doneAt()).contains(START.plusSeconds(38));
            assertThat(status.runtime()).contains(Duration.ofSeconds(38));
            assertThat(tasks.result("blink")).contains(42);
        }

        @Test
        @DisplayName("shows times in the registry's zone and long spans in minutes, hours and days")
        void zoneAndSpans() {
            TaskRegistry berlin = TaskRegistry.on(loop, ZoneId.of("Europe/Berlin"));
            berlin.add(TaskSpec.async("slow", () -> new CompletableFuture<Integer>()));
            berlin.start("slow");
            clock.runUntilIdle();

            advance(185);
            assertThat(berlin.render("slow")).isEqualTo("● slow: status: running since 2026-11-21 12:27:11; 3 min 5 s ago");
            advance(2 * 3600);
            assertThat(berlin.render("slow")).isEqualTo("● slow: status: running since 2026-11-21 12:27:11; 2 h 3 min ago");
            advance(3 * 86_400);
            assertThat(berlin.render("slow")).isEqualTo("● slow: status: running since 2026-11-21 12:27:11; 3 d 2 h ago");
        }

        @Test
        @DisplayName("shows a scheduled start, a failure and a stop")
        void scheduledFailedStopped() throws Exception {
            tasks.add(TaskSpec.async("later", () -> CompletableFuture.completedFuture(1))
                    .startAfter(Duration.ofSeconds(90)));
            tasks.add(TaskSpec.blocking("probe", () -> {
                throw new IllegalStateException("sensor offline");
            }));
            tasks.add(TaskSpec.async("idle", () -> new CompletableFuture<Integer>()));
            tasks.start("later");
            tasks.start("probe");
            tasks.start("idle");
            clock.runUntilIdle();
            CompletableFuture<TaskStatus> stopped = tasks.stop("idle");
            advance(12);

            assertThat(tasks.renderAll(false)).isEqualTo(String.join("\n",
                    "● later: status: scheduled @ 2026-11-21 11:28:41; in 1 min 18 s",
                    "● probe: status: failed @ 2026-11-21 11:27:11; 12 s ago --> "
                            + "java.lang.IllegalStateException: sensor offline",
                    "● idle: status: stopped @ 2026-11-21 11:27:11; 12 s ago"));
            assertThat(stopped.get(1, TimeUnit.SECONDS).state()).isEqualTo(TaskState.STOPPED);
        }

        @Test
        @DisplayName("detailed mode adds description, args, schedule, counts, runtime and result")
        void detailed() {
            ManualRuns runs = new ManualRuns();
            tasks.add(TaskSpec.async("blink", runs::next).description("blink the status LED")
                    .args("pin=2", Duration.ofMillis(500)).repeatEvery(Duration.ofSeconds(10)));
            tasks.start("blink");
            clock.runUntilIdle();
            advance(2);
            runs.last().complete(7);
            advance(1);

            assertThat(tasks.render("blink", true)).isEqualTo(String.join("\n",
                    "● blink: status: scheduled @ 2026-11-21 11:27:21; in 7 s",
                    "    description: blink the status LED",
                    "    args: pin=2, PT0.5S",
                    "    schedule: at once, every 10 s",
                    "    runs: 1, failures: 0, skipped: 0",
                    "    runtime: 2 s",
                    "    last result: 7"));
        }

        @Test
        @DisplayName("detailed mode shows the last error with its stack trace, indented")
        void detailedError() {
            tasks.add(TaskSpec.async("probe", () -> CompletableFuture.<Integer>failedFuture(
                    new IllegalStateException("sensor offline"))).startAt(START.plusSeconds(5)));
            tasks.start("probe");
            advance(6);

            String[] lines = tasks.render("probe", true).split("\n");
            assertThat(lines[0]).isEqualTo("● probe: status: failed @ 2026-11-21 11:27:16; 1 s ago --> "
                    + "java.lang.IllegalStateException: sensor offline");
            assertThat(lines[1]).isEqualTo("    schedule: at 2026-11-21 11:27:16, once");
            assertThat(lines[2]).isEqualTo("    runs: 1, failures: 1, skipped: 0");
            assertThat(lines[3]).isEqualTo("    runtime: 0 ms");
            assertThat(lines[4]).isEqualTo("    last error @ 2026-11-21 11:27:16 in run: "
                    + "java.lang.IllegalStateException: sensor offline");
            assertThat(lines[5]).isEqualTo("        java.lang.IllegalStateException: sensor offline");
            assertThat(lines[6]).startsWith("        \tat dev.loopguard.core.TaskRegistryTest");
        }
    }

    @Nested
    @DisplayName("schedules")
    class Schedules {

        @Test
        @DisplayName("starts after a delay, or at a time, and runs at once when that time has passed")
        void startAfterAndAt() {
            List<Instant> ran = new CopyOnWriteArrayList<>();
            tasks.add(TaskSpec.async("after", () -> CompletableFuture.completedFuture(ran.add(clock.instant())))
                    .startAfter(Duration.ofSeconds(30)));
            tasks.add(TaskSpec.async("at", () -> CompletableFuture.completedFuture(ran.add(clock.instant())))
                    .startAt(START.plusSeconds(45)));
            tasks.add(TaskSpec.async("past", () -> CompletableFuture.completedFuture(ran.add(clock.instant())))
                    .startAt(START.minusSeconds(60)));
            tasks.start("after");
            tasks.start("at");
            tasks.start("past");

            advance(29);
            assertThat(ran).containsExactly(START);
            advance(1);
            assertThat(ran).containsExactly(START, START.plusSeconds(30));
            advance(15);
            assertThat(ran).containsExactly(START, START.plusSeconds(30), START.plusSeconds(45));
        }

        @Test
        @DisplayName("repeats every period, skipping (and counting) a repetition while the previous run still goes")
        void repeatsAndSkips() {
            ManualRuns runs = new ManualRuns();
            tasks.add(TaskSpec.async("sample", runs::next).repeatEvery(Duration.ofSeconds(10)));
            tasks.start("sample");
            clock.runUntilIdle();
            runs.last().complete(1);
            advance(10);
            assertThat(runs.runs).hasSize(2);

            advance(25);
            assertThat(runs.runs).as("the run started at 10 s still goes at 20 s and 30 s").hasSize(2);
            runs.last().complete(2);
            advance(5);

            TaskStatus status = tasks.status("sample");
            assertThat(runs.runs).hasSize(3);
            assertThat(status.runs()).isEqualTo(3);
            assertThat(status.skipped()).isEqualTo(2);
            assertThat(status.state()).isEqualTo(TaskState.RUNNING);
            assertThat(status.runningSince()).contains(START.plusSeconds(40));
            assertThat(status.result()).contains(2);
        }

        @Test
        @DisplayName("keeps repeating after a failed run and calls onError for each failure")
        void repeatsAfterFailure() {
            List<TaskStatus> errors = new CopyOnWriteArrayList<>();
            AtomicInteger calls = new AtomicInteger();
            tasks.add(TaskSpec.async("flaky", () -> calls.incrementAndGet() % 2 == 1
                    ? CompletableFuture.<Integer>failedFuture(new IllegalStateException("odd run " + calls.get()))
                    : CompletableFuture.completedFuture(calls.get()))
                    .repeatEvery(Duration.ofSeconds(5)).onError(errors::add));
            tasks.start("flaky");

            advance(20);

            TaskStatus status = tasks.status("flaky");
            assertThat(status.runs()).isEqualTo(5);
            assertThat(status.failures()).isEqualTo(3);
            assertThat(status.state()).isEqualTo(TaskState.SCHEDULED);
            assertThat(status.result()).contains(4);
            assertThat(errors).extracting(error -> error.lastError().orElseThrow().summary()).containsExactly(
                    "java.lang.IllegalStateException: odd run 1", "java.lang.IllegalStateException: odd run 3",
                    "java.lang.IllegalStateException: odd run 5");
            assertThat(errors.get(0).state()).isEqualTo(TaskState.SCHEDULED);
        }
    }

    @Nested
    @DisplayName("control")
    class Control {

        @Test
        @DisplayName("runs a blocking body off the loop and keeps its error with the stack trace")
        void blockingBodyOffLoop() {
            List<Boolean> onLoop = new CopyOnWriteArrayList<>();
            List<TaskStatus> errors = new CopyOnWriteArrayList<>();
            tasks.add(TaskSpec.blocking("read", () -> {
                onLoop.add(loop.inEventLoop() || Thread.currentThread() instanceof EventLoopThread);
                throw new java.io.IOException("i2c bus timeout");
            }).onError(status -> {
                onLoop.add(loop.inEventLoop());
                errors.add(status);
            }));
            tasks.start("read");
            clock.runUntilIdle();

            assertThat(onLoop).as("body off the loop, callback on it").containsExactly(false, true);
            RecordedFailure error = tasks.error("read").orElseThrow();
            assertThat(error.summary()).isEqualTo("java.io.IOException: i2c bus timeout");
            assertThat(error.stackTrace()).contains("TaskRegistryTest");
            assertThat(errors).singleElement().satisfies(status -> assertThat(status.state())
                    .isEqualTo(TaskState.FAILED));
        }

        @Test
        @DisplayName("stop cancels the running body, then calls onStop with the stopped status")
        void stopCancelsAndCallsBack() throws Exception {
            ManualRuns runs = new ManualRuns();
            List<TaskStatus> stops = new CopyOnWriteArrayList<>();
            tasks.add(TaskSpec.async("blink", runs::next).repeatEvery(Duration.ofSeconds(10)).onStop(stops::add));
            tasks.start("blink");
            clock.runUntilIdle();
            advance(4);

            CompletableFuture<TaskStatus> stopped = tasks.stop("blink");
            clock.runUntilIdle();

            assertThat(runs.last()).isCancelled();
            assertThat(stopped.get(1, TimeUnit.SECONDS).state()).isEqualTo(TaskState.STOPPED);
            assertThat(stops).singleElement().satisfies(status -> {
                assertThat(status.state()).isEqualTo(TaskState.STOPPED);
                assertThat(status.runtime()).contains(Duration.ofSeconds(4));
            });
            advance(60);
            assertThat(runs.runs).as("no run after stop").hasSize(1);
            assertThat(tasks.status("blink").failures()).isZero();
        }

        @Test
        @DisplayName("stop interrupts a blocking body and completes once it has returned")
        void stopInterruptsBlockingBody() throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
            tasks.add(TaskSpec.blocking("wait", () -> {
                entered.countDown();
                try {
                    new CountDownLatch(1).await();
                    return 0;
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                    throw e;
                }
            }));
            tasks.start("wait");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            TaskStatus status = tasks.stop("wait").get(10, TimeUnit.SECONDS);

            assertThat(interrupted).isCompletedWithValue(true);
            assertThat(status.state()).isEqualTo(TaskState.STOPPED);
            clock.runUntilIdle();
            assertThat(tasks.status("wait").state()).isEqualTo(TaskState.STOPPED);
        }

        @Test
        @DisplayName("restart runs a finished task again, and stops then starts an active one")
        void restart() throws Exception {
            ManualRuns runs = new ManualRuns();
            List<TaskStatus> stops = new CopyOnWriteArrayList<>();
            tasks.add(TaskSpec.async("blink", runs::next).onStop(stops::add));
            tasks.start("blink");
            clock.runUntilIdle();
            runs.last().complete(1);
            clock.runUntilIdle();
            assertThat(tasks.status("blink").state()).isEqualTo(TaskState.DONE);

            tasks.restart("blink");
            clock.runUntilIdle();
            assertThat(runs.runs).hasSize(2);
            assertThat(tasks.status("blink").state()).isEqualTo(TaskState.RUNNING);

            advance(3);
            CompletableFuture<TaskStatus> restarted = tasks.restart("blink");
            clock.runUntilIdle();
            assertThat(runs.runs.get(1)).isCancelled();
            assertThat(runs.runs).hasSize(3);
            assertThat(restarted).isDone();
            assertThat(tasks.status("blink").state()).isEqualTo(TaskState.RUNNING);
            assertThat(stops).singleElement().satisfies(status -> assertThat(status.state())
                    .isEqualTo(TaskState.STOPPED));
            assertThat(tasks.status("blink").runs()).isEqualTo(3);
        }

        @Test
        @DisplayName("records a throwing callback as the task's last error")
        void throwingCallbackRecorded() {
            tasks.add(TaskSpec.async("blink", () -> new CompletableFuture<Integer>()).onStop(status -> {
                throw new IllegalArgumentException("log sink closed");
            }));
            tasks.start("blink");
            clock.runUntilIdle();
            tasks.stop("blink");
            clock.runUntilIdle();

            RecordedFailure error = tasks.error("blink").orElseThrow();
            assertThat(error.phase()).isEqualTo("onStop callback");
            assertThat(error.summary()).isEqualTo("java.lang.IllegalArgumentException: log sink closed");
        }

        @Test
        @DisplayName("keeps showing the run's error on the failed line when onError then throws")
        void throwingOnErrorKeepsRunError() {
            tasks.add(TaskSpec.async("probe", () -> CompletableFuture.<Integer>failedFuture(
                    new IllegalStateException("sensor offline"))).onError(status -> {
                        throw new IllegalArgumentException("alert channel closed");
                    }));
            tasks.start("probe");
            clock.runUntilIdle();

            assertThat(tasks.render("probe")).isEqualTo("● probe: status: failed @ 2026-11-21 11:27:11; 0 s ago --> "
                    + "java.lang.IllegalStateException: sensor offline");
            RecordedFailure latest = tasks.error("probe").orElseThrow();
            assertThat(latest.phase()).isEqualTo("onError callback");
            assertThat(latest.summary()).isEqualTo("java.lang.IllegalArgumentException: alert channel closed");
        }

        @Test
        @DisplayName("removes a task that is not active, and refuses to remove an active one")
        void remove() {
            tasks.add(TaskSpec.async("blink", () -> new CompletableFuture<Integer>()));
            tasks.start("blink");
            clock.runUntilIdle();
            assertThatThrownBy(() -> tasks.remove("blink")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 'blink' cannot be removed while it is RUNNING; stop(\"blink\") it first");
            tasks.stop("blink");
            tasks.remove("blink");
            assertThat(tasks.names()).isEmpty();
        }
    }

    @Nested
    @DisplayName("misuse")
    class Misuse {

        @Test
        @DisplayName("rejects a second start, naming the task and its status")
        void doubleStart() {
            tasks.add(TaskSpec.async("blink", () -> new CompletableFuture<Integer>()));
            tasks.start("blink");
            clock.runUntilIdle();
            advance(5);

            assertThatThrownBy(() -> tasks.start("blink")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 'blink' cannot be started: it is already RUNNING (● blink: status: running "
                            + "since 2026-11-21 11:27:11; 5 s ago); use restart(\"blink\") to run it again from the "
                            + "start");
        }

        @Test
        @DisplayName("rejects stop before start and stop of a finished task")
        void stopWhenNotActive() {
            tasks.add(TaskSpec.async("blink", () -> CompletableFuture.completedFuture(42)));

            assertThatThrownBy(() -> tasks.stop("blink")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 'blink' cannot be stopped: it was never started; stop applies only to a "
                            + "SCHEDULED or RUNNING task. Call start(\"blink\") first.");
            tasks.start("blink");
            clock.runUntilIdle();
            assertThatThrownBy(() -> tasks.stop("blink")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 'blink' cannot be stopped: it is not active (● blink: status: done @ "
                            + "2026-11-21 11:27:11; 0 s ago --> result: 42); stop applies only to a SCHEDULED or "
                            + "RUNNING task");
        }

        @Test
        @DisplayName("rejects bad specs naming the task, the value and the rule")
        void badSpecs() {
            TaskSpec<Integer> spec = TaskSpec.async("blink", () -> CompletableFuture.completedFuture(1));

            assertThatThrownBy(() -> spec.startAfter(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("task 'blink' startAfter must be >= 0, was PT-1S");
            assertThatThrownBy(() -> spec.repeatEvery(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("task 'blink' repeatEvery must be > 0, was PT0S");
            assertThatThrownBy(() -> spec.repeatEvery(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("task 'blink' repeatEvery");
            assertThatThrownBy(() -> spec.args("a", null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("task 'blink' args[1]");
            assertThatThrownBy(() -> spec.startAfter(Duration.ZERO).startAt(START))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("task 'blink' already starts after PT0S; startAfter and startAt are exclusive");
            assertThatThrownBy(() -> TaskSpec.async(" ", () -> null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("task name must not be blank, was ' '");
            assertThatThrownBy(() -> TaskSpec.blocking("read", null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("task 'read' body");
            assertThatThrownBy(() -> tasks.add(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("task spec");
        }

        @Test
        @DisplayName("rejects durations and instants the loop's nanosecond clock cannot hold, in the spec")
        void outOfRangeSchedules() {
            TaskSpec<Integer> spec = TaskSpec.async("blink", () -> CompletableFuture.completedFuture(1));
            Duration threeHundredYears = Duration.ofDays(365 * 300);

            assertThatThrownBy(() -> spec.startAfter(threeHundredYears)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("task 'blink' startAfter must be at most PT2562047H47M16.854775807S (the longest a "
                            + "loop's nanosecond clock holds, about 292 years), was PT2628000H");
            assertThatThrownBy(() -> spec.repeatEvery(threeHundredYears)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("task 'blink' repeatEvery must be at most PT2562047H47M16.854775807S (the longest a "
                            + "loop's nanosecond clock holds, about 292 years), was PT2628000H");
            assertThatThrownBy(() -> spec.startAt(Instant.MAX)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("task 'blink' startAt must be between 1677-09-21T00:12:43.145224192Z and "
                            + "2262-04-11T23:47:16.854775807Z (the instants a loop's nanosecond clock reaches), "
                            + "was +1000000000-12-31T23:59:59.999999999Z");
        }

        @Test
        @DisplayName("the longest period the clock holds starts, runs at once and is scheduled again, never overflowing")
        void longestScheduleRuns() {
            AtomicInteger ran = new AtomicInteger();
            tasks.add(TaskSpec.async("rare", () -> CompletableFuture.completedFuture(ran.incrementAndGet()))
                    .repeatEvery(Durations.MAX));
            tasks.add(TaskSpec.async("late", () -> CompletableFuture.completedFuture(0)).startAfter(Durations.MAX));
            tasks.add(TaskSpec.async("far", () -> CompletableFuture.completedFuture(0))
                    .startAt(Instant.parse("2262-04-11T23:47:16.854775807Z")));
            tasks.start("rare");
            tasks.start("late");
            tasks.start("far");
            advance(1);

            assertThat(ran).hasValue(1);
            assertThat(tasks.render("rare")).isEqualTo("● rare: status: scheduled @ 2319-03-03 11:14:27; in "
                    + "106751 d 23 h");
            assertThat(tasks.status("late").state()).isEqualTo(TaskState.SCHEDULED);
            assertThat(tasks.status("far").nextRunAt()).contains(Instant.parse("2262-04-11T23:47:16.854775807Z"));
        }

        @Test
        @DisplayName("an error message with any line break or control character stays on the status line")
        void errorMessagesAreEscaped() {
            String message = "sensor offline\r\nretry\u0085later\u2028or\u2029never\u001b[31m";
            tasks.add(TaskSpec.async("probe", () -> CompletableFuture.<Integer>failedFuture(
                    new IllegalStateException(message))));
            tasks.add(TaskSpec.async("pump\r\nfake", () -> CompletableFuture.completedFuture("ok\u2028done")));
            tasks.start("probe");
            tasks.start("pump\r\nfake");
            clock.runUntilIdle();

            String escaped = "java.lang.IllegalStateException: sensor offline\\r\\nretry\\u0085later\\u2028or"
                    + "\\u2029never\\u001b[31m";
            assertThat(tasks.error("probe").orElseThrow().summary()).isEqualTo(escaped);
            assertThat(tasks.renderAll(false)).isEqualTo(
                    "● probe: status: failed @ 2026-11-21 11:27:11; 0 s ago --> " + escaped + "\n"
                    + "● pump\\r\\nfake: status: done @ 2026-11-21 11:27:11; 0 s ago --> result: ok\\u2028done");
            assertThat(tasks.renderAll(false).split("\\R")).hasSize(2);
            String[] detailed = tasks.render("probe", true).split("\\R");
            assertThat(detailed[4]).isEqualTo("    last error @ 2026-11-21 11:27:11 in run: " + escaped);
            assertThat(detailed).as("the stack trace, as printed, stays indented under the status line")
                    .allSatisfy(line -> assertThat(line).matches("● probe: .*|    .*"));
            assertThat(String.join("\n", detailed)).doesNotContain("\u001b");
        }

        @Test
        @DisplayName("a body that returns null instead of a stage is a failed run")
        void nullStage() {
            tasks.add(TaskSpec.<Integer>async("careless", () -> null));
            tasks.start("careless");
            clock.runUntilIdle();

            assertThat(tasks.status("careless").state()).isEqualTo(TaskState.FAILED);
            assertThat(tasks.error("careless").orElseThrow().summary()).isEqualTo("java.lang.NullPointerException: "
                    + "body of task 'careless' returned null; return a CompletionStage, for example "
                    + "CompletableFuture.completedFuture(null) when there is nothing to wait for");
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {

        @Test
        @DisplayName("adds and starts tasks from many threads without losing or duplicating any")
        void addAndStartFromManyThreads() throws Exception {
            int threads = 8;
            int each = 50;
            Set<String> ran = ConcurrentHashMap.newKeySet();
            AtomicInteger runs = new AtomicInteger();
            for (List<String> names : AllAtOnce.onThreads(threads, thread -> {
                List<String> names = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    String name = tasks.add(TaskSpec.async("worker", () -> {
                        runs.incrementAndGet();
                        return CompletableFuture.completedFuture(1);
                    }));
                    names.add(name);
                    tasks.start(name);
                }
                return names;
            })) {
                ran.addAll(names);
            }
            clock.runUntilIdle();

            assertThat(ran).hasSize(threads * each).contains("worker", "worker_1", "worker_399");
            assertThat(tasks.names()).hasSize(threads * each).doesNotHaveDuplicates();
            assertThat(runs).hasValue(threads * each);
            assertThat(tasks.names()).allSatisfy(name -> assertThat(tasks.status(name).state())
                    .isEqualTo(TaskState.DONE));
        }

        @Test
        @DisplayName("lets exactly one of many concurrent starts of one task win")
        void oneStartWins() throws Exception {
            AtomicInteger runs = new AtomicInteger();
            tasks.add(TaskSpec.async("blink", () -> CompletableFuture.completedFuture(runs.incrementAndGet()))
                    .startAfter(Duration.ofSeconds(1)));
            int threads = 8;
            AtomicInteger refused = new AtomicInteger();
            AllAtOnce.onThreads(threads, thread -> {
                try {
                    tasks.start("blink");
                } catch (IllegalStateException alreadyStarted) {
                    refused.incrementAndGet();
                }
                return null;
            });
            advance(1);

            assertThat(refused).hasValue(threads - 1);
            assertThat(runs).hasValue(1);
        }
    }
}
