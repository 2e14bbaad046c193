package dev.loopguard.harness.internal;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.LoopguardAgent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * At the end of a test run (a JUnit Platform launcher session), writes the agent's findings of the whole run in this
 * JVM to {@code target/loopguard/loopguard-junit-<fork>.json}, in the agent's report format with each finding's
 * {@code test}, and prints one summary line. Registered through {@code ServiceLoader}; does nothing when the agent
 * does not run in this JVM (no {@code @Loopguard} test ran and no {@code -javaagent}).
 *
 * <p>{@code <fork>} is the {@value #FORK_PROPERTY} system property (set it to Surefire's {@code ${surefire.forkNumber}}
 * so that each fork of {@code forkCount > 1} writes its own file), else this JVM's process id. The directory is the
 * {@value #DIRECTORY_PROPERTY} system property, else {@code target/loopguard} under the working directory.
 *
 * <p>The {@code junit-} in the name keeps it apart from the agent's own report at exit, which the Maven plugin
 * writes as {@code loopguard-<pid>.json} into the same directory: without it, a fork whose number was its process id
 * wrote a file the agent replaced at exit, and a fork named by Surefire's number was merged by the plugin beside
 * the agent's report of the same JVM, counting each finding twice.
 */
public final class RunReportListener implements LauncherSessionListener {
    /** System property naming this JVM's fork in the report's file name. */
    public static final String FORK_PROPERTY = "loopguard.junit.fork";
    /** System property naming the directory of the run reports. */
    public static final String DIRECTORY_PROPERTY = "loopguard.junit.reportDirectory";

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (!LoopguardAgent.isInstalled()) {
            return;
        }
        write(System.out);
    }

    /** Writes the run report and prints the summary line; returns the report's path, or null if it failed. */
    static Path write(PrintStream out) {
        Path target = target();
        try {
            Files.createDirectories(target.getParent());
            LoopguardAgent.writeReport(target);
        } catch (IOException | RuntimeException e) {
            out.println("loopguard: could not write the run's findings to " + target + " (" + e + "); the agent's "
                    + "own report at exit still holds them");
            return null;
        }
        out.println(summary(LoopguardAgent.findings(), target));
        return target;
    }

    static Path target() {
        String fork = System.getProperty(FORK_PROPERTY);
        if (fork == null || fork.isBlank() || fork.startsWith("${")) {
            fork = Long.toString(ProcessHandle.current().pid());
        }
        String directory = System.getProperty(DIRECTORY_PROPERTY, "target/loopguard");
        return Path.of(directory, "loopguard-junit-" + fork.trim().replaceAll("[^A-Za-z0-9._-]", "_") + ".json")
                .toAbsolutePath();
    }

    /** {@code loopguard: 3 findings in 2 tests (BLOCKING_CALL 2, LOST_TASK 1), 1 charged to no test; report: ...}. */
    static String summary(List<Finding> findings, Path target) {
        if (findings.isEmpty()) {
            return "loopguard: no findings in this run; report: " + target;
        }
        Map<FindingKind, Integer> byKind = new EnumMap<>(FindingKind.class);
        Set<String> tests = new HashSet<>();
        int unattributed = 0;
        for (Finding f : findings) {
            byKind.merge(f.kind(), 1, Integer::sum);
            if (f.test().isPresent()) {
                tests.add(f.test().get());
            } else {
                unattributed++;
            }
        }
        List<String> kinds = new ArrayList<>();
        byKind.forEach((kind, n) -> kinds.add(kind + " " + n));
        return "loopguard: " + findings.size() + (findings.size() == 1 ? " finding" : " findings") + " in "
                + tests.size() + (tests.size() == 1 ? " test" : " tests") + " (" + String.join(", ", kinds) + ")"
                + (unattributed == 0 ? "" : ", " + unattributed + " charged to no test") + "; report: " + target;
    }
}
