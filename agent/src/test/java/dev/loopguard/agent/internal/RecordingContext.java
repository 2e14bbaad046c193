package dev.loopguard.agent.internal;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.internal.loops.ThreadClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A {@link DetectorContext} that keeps what the detectors record, for unit tests. */
public final class RecordingContext implements DetectorContext {

    private final Predicate<String> applicationClass;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final Set<String> failed = new HashSet<>();
    private volatile String controller;
    private final ThreadClassifier threads = new ThreadClassifier(List.of());

    public RecordingContext(Predicate<String> applicationClass) {
        this.applicationClass = applicationClass;
    }

    @Override
    public synchronized boolean record(Finding finding) {
        findings.add(finding);
        return true;
    }

    @Override
    public void repeat(Finding finding, String key) {
        record(finding);
    }

    @Override
    public synchronized boolean detectorEnabled(String detector) {
        return !failed.contains(detector);
    }

    @Override
    public void beforeReport(Runnable task) {
        // Tests call the detectors' report methods themselves.
    }

    @Override
    public void beforeHalt(Runnable task) {
        // No test halts the JVM it runs in.
    }

    @Override
    public ThreadClassifier threads() {
        return threads;
    }

    public synchronized List<Finding> findings() {
        return List.copyOf(findings);
    }

    public synchronized List<Finding> findings(FindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).collect(Collectors.toList());
    }

    public synchronized List<Throwable> failures() {
        return List.copyOf(failures);
    }

    public void enterController(String name) {
        controller = name;
    }

    @Override
    public String applicationSite(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (isApplicationClass(frame.getClassName())) {
                return frame.toString();
            }
        }
        return null;
    }

    @Override
    public List<String> render(StackTraceElement[] stack) {
        return Arrays.stream(stack)
                .filter(f -> !f.getClassName().startsWith("dev.loopguard.agent.") || isApplicationClass(f.getClassName()))
                .map(StackTraceElement::toString)
                .collect(Collectors.toList());
    }

    @Override
    public boolean isApplicationClass(String className) {
        return applicationClass.test(className);
    }

    @Override
    public String currentController() {
        return controller;
    }

    @Override
    public synchronized void detectorFailed(String detector, Throwable cause) {
        failed.add(detector);
        failures.add(cause);
    }
}
