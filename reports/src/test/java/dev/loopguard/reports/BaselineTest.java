package dev.loopguard.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {

    @TempDir
    Path dir;

    private static final Path A = Path.of("src/test/resources/fixtures/shard-a.json");
    private static final Path B = Path.of("src/test/resources/fixtures/shard-b.json");

    @Test
    @DisplayName("a baseline written from one run makes the same findings known in the next; new ones still fail")
    void knownFindingsDoNotFail() throws Exception {
        ReportData first = ReportData.builder().addFindings(A).failOn(List.of("BLOCKING_CALL")).build();
        Path file = dir.resolve("known.json");
        Baseline.write(file, first.findings());

        ReportData next = ReportData.builder().addFindings(A).addFindings(B).baseline(Baseline.read(file))
                .failOn(List.of("BLOCKING_CALL", "PINNED_THREAD")).build();

        assertThat(first.failed()).isTrue();
        assertThat(next.failing()).extracting(MergedFinding::kind).containsExactly("PINNED_THREAD");
        assertThat(next.findings()).filteredOn(next::isKnown).hasSize(first.findings().size());
        assertThat(next.countsByKind().get("BLOCKING_CALL").newSites()).isZero();
    }

    @Test
    @DisplayName("the baseline file is sorted, one finding per line, with its kind and location for a reviewer")
    void readableFile() throws Exception {
        ReportData data = ReportData.builder().addFindings(A).build();
        Path file = dir.resolve("known.json");
        Baseline.write(file, data.findings());

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).startsWith("{\"tool\":\"loopguard-baseline\",\"version\":1,\"findings\":[");
        assertThat(lines).filteredOn(l -> l.contains("\"fingerprint\"")).hasSize(5)
                .isSortedAccordingTo(String::compareTo)
                .anySatisfy(l -> assertThat(l).contains("\"kind\":\"BLOCKING_CALL\"")
                        .contains("\"location\":\"com.acme.greenhouse.Pump.run\""));
        assertThat(Baseline.read(file).fingerprints()).hasSize(5);
    }

    @Test
    @DisplayName("a malformed baseline is rejected with the entry's path and the accepted form")
    void malformed() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"findings\": [{\"fingerprint\": \"abc\"}]}");

        assertThatThrownBy(() -> Baseline.read(file)).isInstanceOf(InvalidReportException.class)
                .hasMessageContaining("Baseline " + file + " is not a Loopguard baseline")
                .hasMessageContaining("$.findings[0].fingerprint: must be 32 lower-case hexadecimal digits, was \"abc\"");
    }
}
