package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.reports.ReportData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each format of the fixture report, byte for byte. After an intended change, regenerate with
 * {@code mvn -pl reports test -Dtest=GoldenFilesTest -Dgolden.update=true} and review the diff.
 */
class GoldenFilesTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    static String fileName(ReportFormatType type) {
        switch (type) {
            case HTML: return "report.html";
            case MARKDOWN: return "report.md";
            case JUNIT_XML: return "report.xml";
            default: return "report.sarif";
        }
    }

    static String render(ReportFormatType type, ReportData data, FormatOptions options) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportFormatFactory.create(type, options).write(data, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(ReportFormatType.class)
    @DisplayName("renders the two-shard fixture exactly as the golden file")
    void matchesGolden(ReportFormatType type) throws Exception {
        String actual = render(type, Fixtures.twoShards(), Fixtures.options());
        if (type == ReportFormatType.SARIF) {
            // SARIF is written compact; indented here so that a change to it reads as a diff.
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            actual = json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(actual)) + "\n";
        }
        Path golden = GOLDEN.resolve(fileName(type));
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
