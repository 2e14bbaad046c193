package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentReportNoteTest {

    @TempDir
    Path directory;

    @Test
    @DisplayName("findings in the agent's report on a correct workload are listed by kind under the table")
    void listsFindingsByKind() throws IOException {
        Path report = directory.resolve("report.json");
        Files.writeString(report, "{\"tool\":\"loopguard\",\"findings\":[{\"kind\": \"LOOP_STALL\"},"
                + "{\"kind\":\"BLOCKING_CALL\"},{\"kind\":\"BLOCKING_CALL\"}]}");
        ComparisonTable table = new ComparisonTable();

        AgentOverheadRun.noteReport(table, report, "Chain.hops under loopguard tasks=off");

        assertThat(table.render(List.of())).contains("- Loopguard reported findings for Chain.hops under loopguard "
                + "tasks=off although the workload is correct: BLOCKING_CALL x2, LOOP_STALL x1 (see " + report + ").");
    }

    @Test
    @DisplayName("a report without findings adds nothing; a missing report is pointed out")
    void cleanAndMissingReports() throws IOException {
        Path clean = directory.resolve("clean.json");
        Files.writeString(clean, "{\"tool\":\"loopguard\",\"findings\":[]}");
        ComparisonTable table = new ComparisonTable();

        AgentOverheadRun.noteReport(table, clean, "A");
        assertThat(table.render(List.of())).doesNotContain("- ");

        AgentOverheadRun.noteReport(table, directory.resolve("absent.json"), "B");
        assertThat(table.render(List.of())).contains("- Loopguard wrote no report for B (expected "
                + directory.resolve("absent.json") + "): check the fork's output above.");
    }
}
