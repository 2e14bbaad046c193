package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingScope;
import java.util.List;

/**
 * The {@link Loopguard} test running on the current thread, for what the test calls from its body
 * ({@link LoopguardAwaitility}); set from before the {@code @BeforeEach} methods until after the {@code @AfterEach}
 * methods, on the thread that runs them.
 */
final class ActiveTest {
    private static final ThreadLocal<ActiveTest> CURRENT = new ThreadLocal<>();

    final FindingScope scope;
    final LoopguardConfiguration configuration;
    final Findings findings;

    ActiveTest(FindingScope scope, LoopguardConfiguration configuration, Findings findings) {
        this.scope = scope;
        this.configuration = configuration;
        this.findings = findings;
    }

    static void enter(ActiveTest test) {
        CURRENT.set(test);
    }

    static void exit() {
        CURRENT.remove();
    }

    /** The test running on this thread, or an error naming what needs it. */
    static ActiveTest current(String caller) {
        ActiveTest test = CURRENT.get();
        if (test == null) {
            throw new IllegalStateException(caller + " needs a running @Loopguard test on this thread ("
                    + Thread.currentThread().getName() + "); call it from the test method or its @BeforeEach/"
                    + "@AfterEach methods of a class or method annotated with @Loopguard.");
        }
        return test;
    }

    /** The findings that would fail the test now. */
    List<Finding> failingNow() {
        return Judgement.failingNow(scope.findings(), configuration, findings);
    }

    String testMethodName() {
        String name = scope.name();
        int dot = name.indexOf('.');
        int space = name.indexOf(' ');
        return name.substring(dot + 1, space < 0 ? name.length() : space);
    }
}
