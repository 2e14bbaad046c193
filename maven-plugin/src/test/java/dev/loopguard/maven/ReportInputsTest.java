package dev.loopguard.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportInputsTest {

    @Test
    void failOnAcceptsKindsInAnyCaseSeparatedByCommaOrSemicolonAndDefaultsToEveryKind() throws Exception {
        assertThat(ReportInputs.failOn(List.of("blocking_call, LOOP_STALL;lost_task", "BLOCKING_CALL")))
                .containsExactly("BLOCKING_CALL", "LOOP_STALL", "LOST_TASK");
        assertThat(ReportInputs.failOn(null)).contains("BLOCKING_CALL", "PINNED_THREAD").hasSize(6);
    }

    @Test
    void anUnknownKindNamesTheParameterTheValueAndTheKinds() {
        assertThatThrownBy(() -> ReportInputs.failOn(List.of("BLOCKING_CALL", "STALL")))
                .isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("loopguard: parameter failOn has the item 'STALL', which is not a finding kind:"
                        + " expected one or more of BLOCKING_CALL, LOOP_STALL, LOST_TASK, UNHANDLED_FAILURE,"
                        + " IGNORED_FUTURE, PINNED_THREAD");
        assertThatThrownBy(() -> ReportInputs.failOn(List.of("BLOCKING_CALL,")))
                .hasMessageStartingWith("loopguard: parameter failOn has the item '', which is not a finding kind");
    }

    @Test
    void aMissingBaselineIsNoBaselineAndAnUnreadableOneFailsNamingTheParameter(@TempDir Path dir) throws Exception {
        assertThat(ReportInputs.baseline(dir.resolve("absent.json").toFile())).isNull();
        File broken = Files.writeString(dir.resolve("baseline.json"), "{not json").toFile();
        assertThatThrownBy(() -> ReportInputs.baseline(broken))
                .isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("loopguard: parameter baseline is '" + broken + "', which cannot be read as a"
                        + " baseline: ")
                .hasMessageContaining("Expected a file written by -Dloopguard.updateBaseline");
    }

    @Test
    void onlyTheForksReportsAreInputsNotTheRenderedOutputsOrOtherFiles(@TempDir Path dir) throws Exception {
        for (String name : List.of("loopguard-123.json", "loopguard-45.json", "loopguard.md", "loopguard.sarif",
                "TEST-loopguard.xml", "loopguard-baseline.json", ".loopguard-123.json.abc-main.tmp")) {
            Files.writeString(dir.resolve(name), "{}");
        }
        assertThat(ReportInputs.reports(dir.toFile())).extracting(p -> p.getFileName().toString())
                .containsExactly("loopguard-123.json", "loopguard-45.json");
        assertThat(ReportInputs.reports(dir.resolve("none").toFile())).isEmpty();
    }

    @Test
    void aMarkerWithoutItsReportNamesTheJvmThatWroteNone(@TempDir Path dir) throws Exception {
        for (String name : List.of("loopguard-123.json", ".loopguard-123.json.running", ".loopguard-456.json.running",
                ".loopguard-789.json.running", "loopguard-790.json")) {
            Files.writeString(dir.resolve(name), "");
        }
        assertThat(ReportInputs.withoutReport(dir.toFile())).containsExactly("456", "789");
        assertThat(ReportInputs.withoutReport(dir.resolve("none").toFile())).isEmpty();
    }
}
