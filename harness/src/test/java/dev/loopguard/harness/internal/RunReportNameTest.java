package dev.loopguard.harness.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import org.junit.jupiter.api.Test;

/**
 * The run report must never take the name of the agent's own report at exit, which the Maven plugin writes as
 * {@code loopguard-<pid>.json} into the same directory and merges by the glob below: sharing it lost one of the two
 * files, and a file the glob matched beside the agent's counted each finding twice.
 */
class RunReportNameTest {
    /** The Maven plugin's {@code ReportInputs.REPORT_GLOB}: the agent reports its {@code report} goal merges. */
    private static final PathMatcher AGENT_REPORTS = FileSystems.getDefault().getPathMatcher("glob:loopguard-[0-9]*.json");

    @Test
    void namedByProcessIdWhenNoForkIsGiven() {
        String previous = System.getProperty(RunReportListener.FORK_PROPERTY);
        System.clearProperty(RunReportListener.FORK_PROPERTY);
        try {
            Path target = RunReportListener.target();
            assertThat(target.getFileName()).hasToString("loopguard-junit-" + ProcessHandle.current().pid() + ".json");
            assertThat(AGENT_REPORTS.matches(target.getFileName())).isFalse();
        } finally {
            if (previous != null) {
                System.setProperty(RunReportListener.FORK_PROPERTY, previous);
            }
        }
    }

    @Test
    void namedBySurefireForkNumber() {
        String previous = System.getProperty(RunReportListener.FORK_PROPERTY);
        System.setProperty(RunReportListener.FORK_PROPERTY, "2");
        try {
            Path target = RunReportListener.target();
            assertThat(target.getFileName()).hasToString("loopguard-junit-2.json");
            assertThat(AGENT_REPORTS.matches(target.getFileName())).isFalse();
        } finally {
            if (previous == null) {
                System.clearProperty(RunReportListener.FORK_PROPERTY);
            } else {
                System.setProperty(RunReportListener.FORK_PROPERTY, previous);
            }
        }
    }
}
