package dev.loopguard.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FindingsReportTest {

    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(FindingsReportTest.class.getResource("/reports/" + name).toURI());
    }

    private Path writeVariant(String from, String to) throws Exception {
        String json = Files.readString(resource("valid-report.json"));
        assertThat(json).contains(from);
        Path file = dir.resolve("variant.json");
        Files.writeString(file, json.replace(from, to), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    @DisplayName("reads every field of a report that matches the schema")
    void readsValidReport() throws Exception {
        FindingsReport report = FindingsReport.read(resource("valid-report.json"));

        assertThat(report.version()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(report.jvmVendor()).isEqualTo("Debian");
        assertThat(report.finishedAt()).isEqualTo(Instant.parse("2026-11-21T11:27:49.250Z"));
        assertThat(report.options()).containsEntry("stallThreshold", "100ms");
        assertThat(report.findings()).hasSize(2);
        ReportFinding blocking = report.findingsOfKind("BLOCKING_CALL").get(0);
        assertThat(blocking.operation()).isEqualTo("java.lang.Thread.sleep");
        assertThat(blocking.site()).isEqualTo("com.acme.Pump.run(Pump.java:41)");
        assertThat(blocking.count()).isEqualTo(3);
        assertThat(blocking.stack()).first().isEqualTo("java.lang.Thread.sleep(Native Method)");
        ReportFinding stall = report.findingsOfKind("LOOP_STALL").get(0);
        assertThat(stall.durationMillis()).isEqualTo(412L);
        assertThat(stall.controller()).isEqualTo("Thermostat");
        assertThat(stall.operation()).isNull();
        assertThat(report.profile()).containsKey("controllers");
        @SuppressWarnings("unchecked")
        java.util.Map<String, java.util.Map<String, Object>> controllers =
                (java.util.Map<String, java.util.Map<String, Object>>) report.profile().get("controllers");
        assertThat(controllers.get("Thermostat")).containsEntry("loops", 2880).containsEntry("slowLoops", 1);
        assertThat(report.agentErrors()).containsExactly(
                "monitor-contention: java.lang.IllegalStateException: JFR unavailable");
    }

    @Test
    @DisplayName("names the file when it cannot be read")
    void missingFile() {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> FindingsReport.read(missing)).isInstanceOf(InvalidReportException.class)
                .hasMessageContaining("Cannot read findings report " + missing)
                .hasMessageContaining("report=PATH");
    }

    @Test
    @DisplayName("gives line and column when the file is not JSON, as a report cut off by a crash would be")
    void malformedJson() throws IOException {
        Path file = dir.resolve("cut.json");
        Files.writeString(file, "{\"tool\":\"loopguard\",\n\"findings\": [", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOf(InvalidReportException.class)
                .hasMessageContaining("is not valid JSON at line 2");
    }

    @Test
    @DisplayName("rejects an empty file")
    void emptyFile() throws IOException {
        Path file = dir.resolve("empty.json");
        Files.writeString(file, "", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOf(InvalidReportException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    @DisplayName("lists each schema problem with its location: an unknown kind")
    void unknownKind() throws Exception {
        Path file = writeVariant("\"kind\": \"LOOP_STALL\"", "\"kind\": \"SLOW_LOOP\"");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> {
                    assertThat(e.getMessage()).contains("does not match the Loopguard report schema");
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("$.findings[1].kind"));
                    assertThat(e.file()).isEqualTo(file);
                });
    }

    @Test
    @DisplayName("lists each schema problem with its location: a blocking call without its operation")
    void blockingCallWithoutOperation() throws Exception {
        Path file = writeVariant("\"operation\": \"java.lang.Thread.sleep\",", "");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("$.findings[0]")
                        .contains("operation")));
    }

    @Test
    @DisplayName("rejects a controller profile without its statistics")
    void controllerProfileWithoutStatistics() throws Exception {
        Path file = writeVariant("\"slowLoops\": 1, ", "");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                        .startsWith("$.profile.controllers.Thermostat").contains("slowLoops")));
    }

    @Test
    @DisplayName("rejects a report from another tool")
    void otherTool() throws Exception {
        Path file = writeVariant("\"tool\": \"loopguard\"", "\"tool\": \"blockhound\"");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("$.tool")));
    }
}
