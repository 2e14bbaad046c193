package dev.loopguard.agent.internal;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingListener;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects findings, merged by kind, site and test scope: a repeat adds to {@code count}, moves {@code lastSeen} and keeps the
 * longest {@code durationMillis}. Thread-safe; {@link #record(Finding)} never throws.
 */
public final class FindingRecorder {
    private final Map<String, Finding> findings = new ConcurrentHashMap<>();
    private final List<FindingListener> listeners = new CopyOnWriteArrayList<>();
    private final AgentRuntime runtime;
    private final FindingEvents events;

    FindingRecorder(AgentRuntime runtime) {
        this.runtime = runtime;
        this.events = new FindingEvents(runtime);
    }

    /** Merges the finding, emits its JFR event and notifies listeners. Never throws. */
    public void record(Finding reported) {
        try {
            Finding finding = chargeToTest(dev.loopguard.agent.internal.controllers.ControllerScope.attach(reported));
            Finding merged = findings.merge(key(finding), finding, FindingRecorder::merge);
            events.emit(finding);
            for (FindingListener listener : listeners) {
                notify(listener, merged);
            }
        } catch (Throwable e) {
            runtime.detectorFailed("recorder", e);
        }
    }

    /** The finding, naming the test scope it is charged to when it does not name one yet. */
    private static Finding chargeToTest(Finding finding) {
        if (finding.test().isPresent()) {
            return finding;
        }
        String test = TestScopes.chargedName();
        return test == null ? finding : finding.toBuilder().test(test).build();
    }

    private void notify(FindingListener listener, Finding merged) {
        try {
            listener.onFinding(merged);
        } catch (Throwable e) {
            listeners.remove(listener);
            runtime.agentError("listener " + listener.getClass().getName(), e);
        }
    }

    /** The findings so far, oldest first. */
    public List<Finding> snapshot() {
        List<Finding> out = new ArrayList<>(findings.values());
        out.sort(Comparator.comparing(Finding::firstSeen).thenComparing(f -> f.kind().name()));
        return out;
    }

    public void reset() {
        findings.clear();
    }

    public void addListener(FindingListener listener) {
        listeners.add(listener);
    }

    public void removeListener(FindingListener listener) {
        listeners.remove(listener);
    }

    /** Kind and site (or thread and operation), and the test: findings of two tests are never one. */
    private static String key(Finding f) {
        String place = f.site().map(site -> f.kind() + "|" + site)
                .orElseGet(() -> f.kind() + "|thread=" + f.thread() + "|op=" + f.operation().orElse(""));
        return f.test().isPresent() ? place + "|test=" + f.test().get() : place;
    }

    private static Finding merge(Finding old, Finding next) {
        Finding.Builder b = old.toBuilder()
                .count(old.count() + next.count())
                .lastSeen(next.lastSeen().isAfter(old.lastSeen()) ? next.lastSeen() : old.lastSeen());
        if (next.durationMillis().isPresent()
                && next.durationMillis().getAsLong() > old.durationMillis().orElse(-1)) {
            // The longest occurrence is the one worth reading: keep its duration, stack and message together.
            b.durationMillis(next.durationMillis().getAsLong()).stack(next.stack()).message(next.message());
        }
        return b.build();
    }
}
