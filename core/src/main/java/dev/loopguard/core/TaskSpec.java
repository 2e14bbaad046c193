package dev.loopguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What to run as a named task of a {@link TaskRegistry}, and when. Immutable: every method returns a new spec, and
 * rejects null or out-of-range values at once.
 *
 * <pre>{@code
 * TaskSpec<Integer> blink = TaskSpec.async("blink", led::blinkAsync)
 *         .description("blink the status LED")
 *         .args("pin=2", Duration.ofMillis(500))
 *         .startAfter(Duration.ofSeconds(5))
 *         .repeatEvery(Duration.ofSeconds(10))
 *         .onError(status -> log.warn(status.render(ZoneOffset.UTC, true)));
 * }</pre>
 *
 * <p>The body of an {@link #async(String, Supplier) async} task is called on the loop thread and must not block; the
 * body of a {@link #blocking(String, Callable) blocking} task runs off the loop, through
 * {@link EventLoop#offload(Callable)}, and is interrupted when the task is stopped.
 *
 * @param <T> the type of the task's result
 */
public final class TaskSpec<T> {

    final String name;
    final Supplier<? extends CompletionStage<T>> asyncBody;
    final Callable<T> blockingBody;
    final String description;
    final List<Object> args;
    final Duration startAfter;
    final Instant startAt;
    final Duration repeatEvery;
    final Consumer<TaskStatus> onError;
    final Consumer<TaskStatus> onStop;

    private TaskSpec(String name, Supplier<? extends CompletionStage<T>> asyncBody, Callable<T> blockingBody,
            String description, List<Object> args, Duration startAfter, Instant startAt, Duration repeatEvery,
            Consumer<TaskStatus> onError, Consumer<TaskStatus> onStop) {
        this.name = name;
        this.asyncBody = asyncBody;
        this.blockingBody = blockingBody;
        this.description = description;
        this.args = args;
        this.startAfter = startAfter;
        this.startAt = startAt;
        this.repeatEvery = repeatEvery;
        this.onError = onError;
        this.onStop = onStop;
    }

    /** A task whose body returns a stage; the body is called on the loop thread. */
    public static <T> TaskSpec<T> async(String name, Supplier<? extends CompletionStage<T>> body) {
        return new TaskSpec<>(requireName(name), Objects.requireNonNull(body, "task '" + name + "' body"), null,
                null, List.of(), null, null, null, null, null);
    }

    /** A task whose body may block; the body runs off the loop, on the loop's offload workers. */
    public static <T> TaskSpec<T> blocking(String name, Callable<T> body) {
        return new TaskSpec<>(requireName(name), null, Objects.requireNonNull(body, "task '" + name + "' body"),
                null, List.of(), null, null, null, null, null);
    }

    /** A sentence shown in the detailed status. */
    public TaskSpec<T> description(String description) {
        Objects.requireNonNull(description, "task '" + name + "' description");
        return new TaskSpec<>(name, asyncBody, blockingBody, description, args, startAfter, startAt, repeatEvery,
                onError, onStop);
    }

    /** The arguments the body works with, shown in the detailed status (as aioctl shows a coroutine's args). */
    public TaskSpec<T> args(Object... args) {
        Objects.requireNonNull(args, "task '" + name + "' args");
        List<Object> copy = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            copy.add(Objects.requireNonNull(args[i], "task '" + name + "' args[" + i + "]"));
        }
        return new TaskSpec<>(name, asyncBody, blockingBody, description, Collections.unmodifiableList(copy),
                startAfter, startAt, repeatEvery, onError, onStop);
    }

    /**
     * Each start waits {@code delay} before the first run: zero or more, and at most {@link Durations#MAX} (about 292
     * years, the most the loop's nanosecond clock holds). Exclusive with {@link #startAt(Instant)}.
     */
    public TaskSpec<T> startAfter(Duration delay) {
        Objects.requireNonNull(delay, "task '" + name + "' startAfter");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("task '" + name + "' startAfter must be >= 0, was " + delay);
        }
        Durations.requireWithinClock(delay, "task '" + name + "' startAfter");
        if (startAt != null) {
            throw new IllegalArgumentException("task '" + name + "' already starts at " + startAt
                    + "; startAfter and startAt are exclusive");
        }
        return new TaskSpec<>(name, asyncBody, blockingBody, description, args, delay, null, repeatEvery, onError,
                onStop);
    }

    /**
     * The first run is at {@code instant} on the loop's clock; a start after that instant runs at once. The instant
     * must be one the loop's nanosecond clock reaches, between 1677-09-21 and 2262-04-11.
     * Exclusive with {@link #startAfter(Duration)}.
     */
    public TaskSpec<T> startAt(Instant instant) {
        Objects.requireNonNull(instant, "task '" + name + "' startAt");
        Durations.requireWithinClock(instant, "task '" + name + "' startAt");
        if (startAfter != null) {
            throw new IllegalArgumentException("task '" + name + "' already starts after " + startAfter
                    + "; startAfter and startAt are exclusive");
        }
        return new TaskSpec<>(name, asyncBody, blockingBody, description, args, null, instant, repeatEvery, onError,
                onStop);
    }

    /**
     * Runs the body again every {@code period}, start to start, until stopped. A run still going when the next is due
     * makes that repetition skipped (and counted), never queued. The period is positive and at most
     * {@link Durations#MAX}.
     */
    public TaskSpec<T> repeatEvery(Duration period) {
        Objects.requireNonNull(period, "task '" + name + "' repeatEvery");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("task '" + name + "' repeatEvery must be > 0, was " + period);
        }
        Durations.requireWithinClock(period, "task '" + name + "' repeatEvery");
        return new TaskSpec<>(name, asyncBody, blockingBody, description, args, startAfter, startAt, period, onError,
                onStop);
    }

    /** Called on the loop thread after every failed run, with the status that holds the error. */
    public TaskSpec<T> onError(Consumer<TaskStatus> callback) {
        Objects.requireNonNull(callback, "task '" + name + "' onError");
        return new TaskSpec<>(name, asyncBody, blockingBody, description, args, startAfter, startAt, repeatEvery,
                callback, onStop);
    }

    /** Called on the loop thread when the task was stopped, once its body (if it was running) has returned. */
    public TaskSpec<T> onStop(Consumer<TaskStatus> callback) {
        Objects.requireNonNull(callback, "task '" + name + "' onStop");
        return new TaskSpec<>(name, asyncBody, blockingBody, description, args, startAfter, startAt, repeatEvery,
                onError, callback);
    }

    /** The requested name; the registry may add a suffix ({@code blink_1}) to keep names unique. */
    public String name() {
        return name;
    }

    /** How the schedule reads in a detailed status, e.g. {@code "after 5 s, every 10 s"} or {@code "at once"}. */
    String scheduleText(java.time.format.DateTimeFormatter times) {
        String first = startAfter != null && !startAfter.isZero() ? "after " + StatusText.span(startAfter)
                : startAt != null ? "at " + times.format(startAt) : "at once";
        return repeatEvery == null ? first + ", once" : first + ", every " + StatusText.span(repeatEvery);
    }

    private static String requireName(String name) {
        Objects.requireNonNull(name, "task name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank, was '" + name + "'");
        }
        return name;
    }
}
