package dev.loopguard.harness;

import dev.loopguard.core.Durations;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.VirtualClock;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RunnableScheduledFuture;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** The extension behind {@link VirtualTime}; see there for what it does. */
final class VirtualTimeExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(VirtualTimeExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        testTime(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == VirtualClock.class || type == EventLoop.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestTime time = testTime(context);
        return parameter.getParameter().getType() == VirtualClock.class ? time.clock : time.loop();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestTime time = context.getStore(NAMESPACE).remove(TestTime.class, TestTime.class);
        if (time != null) {
            time.finish();
        }
    }

    private static TestTime testTime(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        return store.getOrComputeIfAbsent(TestTime.class, key -> new TestTime(context, settings(context)),
                TestTime.class);
    }

    private static VirtualTime settings(ExtensionContext context) {
        List<AnnotatedElement> candidates = new ArrayList<>();
        context.getTestMethod().ifPresent(candidates::add);
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
            candidates.add(type);
        }
        for (AnnotatedElement element : candidates) {
            Optional<VirtualTime> found = AnnotationSupport.findAnnotation(element, VirtualTime.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new ExtensionConfigurationException("VirtualTimeExtension is registered on "
                + context.getDisplayName() + " but no @VirtualTime annotation was found; annotate the test class "
                + "or method with @VirtualTime instead of registering the extension directly.");
    }

    static Instant parseStart(String value) {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ExtensionConfigurationException("@VirtualTime(start = \"" + value + "\") is not an ISO-8601 "
                    + "instant; use a form such as \"2026-01-01T00:00:00Z\".", e);
        }
    }

    /** The toolkit's one duration syntax ({@link Durations#parse}), positive. */
    static Duration parseIdleTimeout(String value) {
        Duration parsed;
        try {
            parsed = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@VirtualTime(idleTimeout = \"" + value + "\"): "
                    + e.getMessage(), e);
        }
        if (parsed.isZero()) {
            throw new ExtensionConfigurationException("@VirtualTime(idleTimeout = \"" + value + "\"): must be a "
                    + "positive duration like 500ms, 10s, 2m or PT10S, was '" + value + "'");
        }
        return parsed;
    }

    /** One test's clock, loop and what went wrong on the loop. */
    private static final class TestTime {
        final VirtualClock clock;
        final String testName;
        final VirtualTime settings;
        final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        final List<Runnable> unrun = new CopyOnWriteArrayList<>();
        private EventLoop loop;

        TestTime(ExtensionContext context, VirtualTime settings) {
            this.settings = settings;
            this.testName = context.getTestMethod().map(m -> m.getName() + "()").orElse(context.getDisplayName());
            this.clock = VirtualClock.startingAt(parseStart(settings.start()))
                    .idleTimeout(parseIdleTimeout(settings.idleTimeout()));
        }

        synchronized EventLoop loop() {
            if (loop == null) {
                String base = testName.endsWith("()") ? testName.substring(0, testName.length() - 2) : testName;
                loop = EventLoop.builder()
                        .name(base + "-loop")
                        .clock(clock)
                        .uncaughtExceptionHandler((thread, failure) -> uncaught.add(failure))
                        .onUnrunTasks(unrun::addAll)
                        .build();
            }
            return loop;
        }

        void finish() {
            EventLoop current;
            synchronized (this) {
                current = loop;
            }
            if (current == null) {
                return;
            }
            Instant reached = clock.instant();
            unrun.addAll(current.shutdownGracefully());
            List<Runnable> lost = new ArrayList<>();
            for (Runnable task : unrun) {
                if (!(task instanceof RunnableScheduledFuture && ((RunnableScheduledFuture<?>) task).isPeriodic())) {
                    lost.add(task);
                }
            }
            AssertionError failure = null;
            if (settings.failOnUncaughtExceptions() && !uncaught.isEmpty()) {
                Throwable first = uncaught.get(0);
                failure = new AssertionError("@VirtualTime test " + testName + ": a task on EventLoop '"
                        + current.name() + "' threw " + first + where(first) + " and nothing handled it"
                        + (uncaught.size() > 1 ? " (" + (uncaught.size() - 1) + " more attached as suppressed)" : "")
                        + ". It would go unnoticed in production too: handle it inside the task, or use "
                        + "submit(...) and check the returned future.", first);
                for (Throwable other : uncaught.subList(1, uncaught.size())) {
                    failure.addSuppressed(other);
                }
            }
            if (settings.failOnUnrunTasks() && !lost.isEmpty()) {
                AssertionError unrunFailure = new AssertionError("@VirtualTime test " + testName + ": " + lost.size()
                        + " task(s) on EventLoop '" + current.name() + "' never ran before the test ended: " + lost
                        + ". The test stopped at virtual time " + reached + "; advance the clock further with "
                        + "clock.advanceBy(...), or cancel the tasks if they are not meant to run "
                        + "(@VirtualTime(failOnUnrunTasks = false) turns this check off).");
                if (failure == null) {
                    failure = unrunFailure;
                } else {
                    failure.addSuppressed(unrunFailure);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private static String where(Throwable failure) {
            for (StackTraceElement frame : failure.getStackTrace()) {
                String type = frame.getClassName();
                if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("dev.loopguard.core.")) {
                    return " at " + frame;
                }
            }
            return "";
        }
    }
}
