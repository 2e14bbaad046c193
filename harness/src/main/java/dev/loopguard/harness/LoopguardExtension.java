package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingListener;
import dev.loopguard.agent.FindingScope;
import dev.loopguard.agent.LoopguardAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import dev.loopguard.core.ClosePolicy;
import dev.loopguard.core.EventLoop;

/** The extension behind {@link Loopguard}; see there for what it does. */
final class LoopguardExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LoopguardExtension.class);
    /** Test names handed out in this JVM, so that two tests never share a scope name (and so their findings). */
    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeAll(ExtensionContext context) {
        AgentStarter.ensureRunning();
        // Nested classes share the outermost class's watch, so a late finding is reported once.
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(LateFindings.class, LateFindings.class) == null && !inheritedWatch(context)) {
            LateFindings late = new LateFindings();
            LoopguardAgent.addListener(late);
            store.put(LateFindings.class, late);
        }
    }

    private static boolean inheritedWatch(ExtensionContext context) {
        return context.getParent().map(p -> p.getStore(NAMESPACE).get(LateFindings.class, LateFindings.class) != null)
                .orElse(false);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LoopguardConfiguration configuration = LoopguardConfiguration.of(context);
        AgentStarter.ensureRunning(); // a method-level @Loopguard has no beforeAll of its own
        if (!configuration.eventLoopThreads.isEmpty()) {
            LoopguardAgent.addEventLoopThreads(configuration.eventLoopThreads.toArray(new String[0]));
        }
        FindingScope scope = LoopguardAgent.openScope(uniqueName(context));
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        store.put(LoopguardConfiguration.class, configuration);
        store.put(FindingScope.class, scope);
        Findings findings = new Findings(scope);
        store.put(Findings.class, findings);
        ActiveTest.enter(new ActiveTest(scope, configuration, findings));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        ActiveTest.exit();
        FindingScope scope = store.remove(FindingScope.class, FindingScope.class);
        LoopguardConfiguration configuration = store.remove(LoopguardConfiguration.class,
                LoopguardConfiguration.class);
        if (scope == null) {
            return; // beforeEach failed (configuration), the test did not run
        }
        List<Finding> findings;
        LateFindings late = store.get(LateFindings.class, LateFindings.class);
        EventLoop loop = store.remove(EventLoop.class, EventLoop.class);
        try {
            Settling.settle(scope, configuration.settleTimeout);
            if (loop != null) {
                // After the check: what it left queued is already this test's LOST_TASK, so the close hands the
                // tasks back to no one rather than reporting them a second time.
                loop.close();
            }
            if (late != null) {
                late.judged(scope.name(), configuration); // from now on, a new occurrence is late
            }
            findings = scope.findings();
            if (late != null) {
                late.judgedAs(findings);
            }
        } finally {
            scope.close();
        }
        Judgement.judge(context, findings, configuration, store.remove(Findings.class, Findings.class));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == Findings.class) {
            return true;
        }
        // With @VirtualTime, its extension gives the loop (on the virtual clock); two resolvers would be an error.
        return type == EventLoop.class && !virtualTime(context);
    }

    private static boolean virtualTime(ExtensionContext context) {
        if (context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, VirtualTime.class)).orElse(false)) {
            return true;
        }
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            if (AnnotationSupport.isAnnotated(type, VirtualTime.class)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        FindingScope scope = store.get(FindingScope.class, FindingScope.class);
        if (scope == null) {
            throw new ParameterResolutionException("@Loopguard gives " + parameter.getParameter().getType()
                    .getSimpleName() + " parameters to test methods and @BeforeEach/@AfterEach methods only, not to "
                    + parameter.getDeclaringExecutable() + "; declare it on the test method instead.");
        }
        if (parameter.getParameter().getType() == Findings.class) {
            return store.get(Findings.class, Findings.class);
        }
        String name = context.getTestMethod().map(m -> m.getName() + "-loop").orElse("test-loop");
        return store.getOrComputeIfAbsent(EventLoop.class, key -> EventLoop.builder().name(name)
                .closePolicy(ClosePolicy.CANCEL_QUEUED).onUnrunTasks(reported -> { }).build(), EventLoop.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LateFindings late = context.getStore(NAMESPACE).remove(LateFindings.class, LateFindings.class);
        if (late == null) {
            return;
        }
        try {
            Settling.settleLate(late.judgedScopes(), late.longestSettle());
        } finally {
            LoopguardAgent.removeListener(late);
        }
        late.report(context);
    }

    /** {@code HeaterTest.turnsOn()}; a repeated or parameterized invocation adds its display name. */
    static String uniqueName(ExtensionContext context) {
        String name = context.getRequiredTestClass().getSimpleName() + "."
                + context.getRequiredTestMethod().getName() + "()";
        boolean invocation = context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
        if (invocation) {
            name = name + " " + context.getDisplayName();
        }
        String unique = name;
        for (int i = 2; !NAMES.add(unique); i++) {
            unique = name + " #" + i;
        }
        return unique;
    }

    /** Findings charged to tests of this class after they were judged. */
    static final class LateFindings implements FindingListener {
        private final Map<String, LoopguardConfiguration> judged = new ConcurrentHashMap<>();
        private final Map<String, Finding> late = new ConcurrentHashMap<>();
        private final List<String> order = new CopyOnWriteArrayList<>();
        /** Each finding's count when its test was judged: what the test's own outcome already accounted for. */
        private final Map<String, Long> countAtJudgement = new ConcurrentHashMap<>();

        void judged(String test, LoopguardConfiguration configuration) {
            judged.put(test, configuration);
        }

        void judgedAs(List<Finding> findings) {
            for (Finding f : findings) {
                countAtJudgement.put(key(f), f.count());
            }
        }

        private static String key(Finding f) {
            return f.kind() + "|" + f.site().orElse(f.message()) + "|" + f.test().orElse("");
        }

        Set<String> judgedScopes() {
            return judged.keySet();
        }

        java.time.Duration longestSettle() {
            java.time.Duration longest = java.time.Duration.ZERO;
            for (LoopguardConfiguration c : judged.values()) {
                if (c.settleTimeout.compareTo(longest) > 0) {
                    longest = c.settleTimeout;
                }
            }
            return longest;
        }

        @Override
        public void onFinding(Finding finding) {
            String test = finding.test().orElse(null);
            if (test != null && judged.containsKey(test)) {
                String key = key(finding);
                if (late.put(key, finding) == null) {
                    order.add(key);
                }
            }
        }

        void report(ExtensionContext context) {
            List<Finding> failing = new ArrayList<>();
            List<Finding> other = new ArrayList<>();
            for (String key : order) {
                Finding f = late.get(key);
                if (f.count() <= countAtJudgement.getOrDefault(key, 0L)) {
                    continue; // recorded while its test was being judged: part of that test's outcome
                }
                LoopguardConfiguration c = judged.get(f.test().orElse(""));
                if (c != null && c.fails(f) && c.mode == LoopguardConfiguration.Mode.FAIL) {
                    failing.add(f);
                } else if (c != null && c.mode != LoopguardConfiguration.Mode.RECORD) {
                    other.add(f);
                }
            }
            if (!other.isEmpty() || !failing.isEmpty()) {
                List<Finding> shown = new ArrayList<>(failing);
                shown.addAll(other);
                String message = FailureMessage.late(context.getRequiredTestClass().getSimpleName(), shown);
                if (failing.isEmpty()) {
                    Judgement.warn(context, message);
                } else {
                    throw new AssertionError(message);
                }
            }
        }
    }

    /** Starts the agent once per JVM, or explains how to start it. */
    static final class AgentStarter {
        private AgentStarter() {
        }

        static synchronized void ensureRunning() {
            if (LoopguardAgent.isInstalled()) {
                return;
            }
            if (System.getProperty("loopguard.tasks") == null) {
                // Attribution follows the futures and tasks the agent follows: all of them, for tests.
                System.setProperty("loopguard.tasks", "full");
            }
            try {
                LoopguardAgent.install();
            } catch (IllegalStateException | NoClassDefFoundError e) {
                throw new ExtensionConfigurationException("@Loopguard could not start the Loopguard agent in this JVM ("
                        + e.getMessage() + "). Start it with the JVM instead: add -javaagent:<path to "
                        + "loopguard-agent.jar> to the test JVM's arguments; with Maven Surefire, put "
                        + "<argLine>@{argLine} -javaagent:${dev.loopguard:loopguard-agent:jar}</argLine> in the "
                        + "plugin's configuration and run dependency:properties before the tests (docs/harness.md).",
                        e);
            }
        }
    }
}
