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

    @Test
    @DisplayName("a timestamp that is not RFC 3339 names the file, the path and the accepted form")
    void badTimestamp() throws Exception {
        Path file = writeVariant("\"firstSeen\": \"2026-11-21T11:27:12.000Z\"", "\"firstSeen\": \"yesterday\"");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> {
                    assertThat(e.getMessage()).contains(file.toString());
                    assertThat(e.problems()).containsExactly("$.findings[0].firstSeen: must be an RFC 3339 "
                            + "date-time such as 2026-11-21T11:27:12.000Z, was 'yesterday'");
                });
    }

    @Test
    @DisplayName("month 13 is a bad timestamp, not a DateTimeParseException")
    void monthThirteen() throws Exception {
        Path file = writeVariant("\"finishedAt\": \"2026-11-21T11:27:49.250Z\"",
                "\"finishedAt\": \"2026-13-21T11:27:49.250Z\"");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> assertThat(e.problems()).singleElement().asString()
                        .startsWith("$.finishedAt: must be an RFC 3339 date-time").endsWith("was '2026-13-21T11:27:49.250Z'"));
    }

    @Test
    @DisplayName("reads a timestamp with an offset, as RFC 3339 allows")
    void timestampWithOffset() throws Exception {
        Path file = writeVariant("\"firstSeen\": \"2026-11-21T11:27:12.000Z\"",
                "\"firstSeen\": \"2026-11-21T12:27:12+01:00\"");

        assertThat(FindingsReport.read(file).findings().get(0).firstSeen())
                .isEqualTo(Instant.parse("2026-11-21T11:27:12Z"));
    }

    @Test
    @DisplayName("reads the agent's nanosecond timestamps exactly, and rejects a day that does not exist")
    void timestampForms() throws Exception {
        Path nanos = writeVariant("\"firstSeen\": \"2026-11-21T11:27:12.000Z\"",
                "\"firstSeen\": \"2026-11-21T20:03:57.678826795Z\"");
        assertThat(FindingsReport.read(nanos).findings().get(0).firstSeen())
                .isEqualTo(Instant.parse("2026-11-21T20:03:57.678826795Z"));
        Path whole = writeVariant("\"firstSeen\": \"2026-11-21T11:27:12.000Z\"", "\"firstSeen\": \"2026-11-21T11:27:12Z\"");
        assertThat(FindingsReport.read(whole).findings().get(0).firstSeen()).isEqualTo(Instant.parse("2026-11-21T11:27:12Z"));
        Path february = writeVariant("\"firstSeen\": \"2026-11-21T11:27:12.000Z\"",
                "\"firstSeen\": \"2026-02-30T11:27:12.000Z\"");
        assertThatThrownBy(() -> FindingsReport.read(february)).isInstanceOf(InvalidReportException.class)
                .hasMessageContaining("$.findings[0].firstSeen: must be an RFC 3339 date-time");
    }

    @Test
    @DisplayName("reads a count beyond int as the long the agent writes")
    void countBeyondInt() throws Exception {
        Path file = writeVariant("\"count\": 3,", "\"count\": 8589934592,");

        assertThat(FindingsReport.read(file).findings().get(0).count()).isEqualTo(8_589_934_592L);
    }

    @Test
    @DisplayName("a count beyond long is a problem at its path, not a wrapped number")
    void countBeyondLong() throws Exception {
        Path file = writeVariant("\"count\": 3,", "\"count\": 99999999999999999999999,");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> assertThat(e.problems()).singleElement().asString().startsWith("$.findings[0].count: must be a "
                        + "whole number from 1 to 9223372036854775807"));
    }

    @Test
    @DisplayName("rejects valid JSON followed by anything else")
    void trailingGarbage() throws Exception {
        Path file = dir.resolve("two.json");
        Files.writeString(file, Files.readString(resource("valid-report.json")) + "\n{\"tool\": \"loopguard\"}\n");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOf(InvalidReportException.class)
                .hasMessageContaining(file + " is not valid JSON at line").hasMessageContaining("Trailing token");
    }

    @Test
    @DisplayName("rejects a duplicate key, which would silently replace the first")
    void duplicateKey() throws Exception {
        Path file = writeVariant("\"count\": 3,", "\"count\": 3, \"count\": 4,");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOf(InvalidReportException.class)
                .hasMessageContaining("Duplicate field 'count'");
    }

    @Test
    @DisplayName("states each problem's location once")
    void locationOnce() throws Exception {
        Path file = writeVariant("\"kind\": \"LOOP_STALL\"", "\"kind\": \"SLOW_LOOP\"");

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOfSatisfying(InvalidReportException.class,
                e -> assertThat(e.problems()).allSatisfy(p -> assertThat(p.indexOf("$.")).isEqualTo(p.lastIndexOf("$."))));
    }

    @Test
    @DisplayName("keeps the kind-specific fields: reason, exception, createdAt, discardedAt, returnType")
    void kindSpecificFields() throws Exception {
        FindingsReport report = FindingsReport.read(fixture("shard-a.json"));
        ReportFinding lost = report.findingsOfKind("LOST_TASK").get(0);
        assertThat(lost.reason()).isEqualTo("discarded by ThreadPoolExecutor.DiscardPolicy");
        assertThat(lost.createdAt()).isEqualTo("com.acme.tasks.TaskScenarios.discardPolicy(TaskScenarios.java:135)");
        ReportFinding failure = report.findingsOfKind("UNHANDLED_FAILURE").get(0);
        assertThat(failure.exception()).isEqualTo(new ReportedException("java.lang.IllegalStateException",
                "relay stuck", failure.exception().stack()));
        assertThat(failure.exception().stack()).hasSize(2);
        assertThat(failure.discardedAt()).isEqualTo("com.acme.tasks.TaskScenarios.unobservedFailure(TaskScenarios.java:92)");
        ReportFinding ignored = FindingsReport.read(fixture("shard-b.json")).findingsOfKind("IGNORED_FUTURE").get(0);
        assertThat(ignored.returnType()).isEqualTo("reactor.core.publisher.Mono");
    }

    @Test
    @DisplayName("reads the test a harness recorded, and optional top-level fields, once the schema allows them")
    void fieldsALaterSchemaAdds() throws Exception {
        String schema = Files.readString(Path.of("../docs/schema/loopguard-report.schema.json"));
        String extended = schema
                .replace("\"loop\": { \"type\": \"string\" }", "\"loop\": { \"type\": \"string\" },\n"
                        + "        \"test\": { \"type\": \"string\" }")
                .replace("\"agentErrors\": {\n      \"type\": \"array\",", "\"droppedSites\": { \"type\": \"object\" },\n"
                        + "    \"agentErrors\": {\n      \"type\": \"array\",");
        assertThat(extended).contains("\"test\"").contains("droppedSites");
        Path file = writeVariant("\"loop\": \"loopguard-loop-1\"",
                "\"loop\": \"loopguard-loop-1\", \"test\": \"com.acme.PumpTest#startsPump\"");
        String withDropped = Files.readString(file).replace("\"agentErrors\"", "\"droppedSites\": {\"BLOCKING_CALL\": 7},\n  \"agentErrors\"");
        Files.writeString(file, withDropped);

        assertThatThrownBy(() -> FindingsReport.read(file)).isInstanceOf(InvalidReportException.class);
        FindingsReport report = FindingsReport.read(file,
                FindingsReport.schema(new java.io.ByteArrayInputStream(extended.getBytes(StandardCharsets.UTF_8))));
        assertThat(report.findings().get(0).test()).isEqualTo("com.acme.PumpTest#startsPump");
        assertThat(report.extensions()).containsEntry("droppedSites", java.util.Map.of("BLOCKING_CALL", 7));
    }

    @Test
    @DisplayName("has an SLF4J provider on its class path (the no-op one), so reading prints no SLF4J warning")
    void slf4jProviderBound() {
        // With no provider, SLF4J 2 falls back to no-op too, but prints "No SLF4J providers were found" first.
        assertThat(java.util.ServiceLoader.load(org.slf4j.spi.SLF4JServiceProvider.class))
                .anySatisfy(p -> assertThat(p.getClass().getName()).isEqualTo("org.slf4j.nop.NOPServiceProvider"));
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(FindingsReportTest.class.getResource("/fixtures/" + name).toURI());
    }
}
