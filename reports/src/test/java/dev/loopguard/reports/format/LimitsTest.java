package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopguard.reports.FindingsReport;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.ReportFinding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each format stays within what its readers accept, and says what it left out. */
class LimitsTest {

    private static ReportData many;

    /** 6,000 distinct blocking calls (one per class) and 2 lost tasks, with long messages. */
    @BeforeAll
    static void manyFindings() {
        List<ReportFinding> findings = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            String site = "com.acme.gen.Class" + i + ".run(Class" + i + ".java:" + (10 + i % 90) + ")";
            findings.add(new ReportFinding("BLOCKING_CALL", "loop-" + (i % 4), "Blocking call java.lang.Thread.sleep at "
                    + site + " " + "x".repeat(400), List.of("java.lang.Thread.sleep(Native Method)", site), site,
                    1 + i % 50, Instant.parse("2026-11-21T11:00:00Z"), Instant.parse("2026-11-21T11:01:00Z"),
                    "Offload it.", "java.lang.Thread.sleep", null, null, null, null, null, null, null, null, null));
        }
        for (int i = 0; i < 2; i++) {
            String site = "com.acme.tasks.Lost" + i + ".drop(Lost" + i + ".java:7)";
            findings.add(new ReportFinding("LOST_TASK", "main", "A task was discarded at " + site, List.of(site), site,
                    1, Instant.parse("2026-11-21T11:00:00Z"), Instant.parse("2026-11-21T11:00:00Z"), null, null, null,
                    null, null, site, null, "discarded by ThreadPoolExecutor.DiscardPolicy", null, null, null));
        }
        FindingsReport report = new FindingsReport("test", "17", "Debian", Instant.parse("2026-11-21T11:00:00Z"),
                Instant.parse("2026-11-21T11:02:00Z"), Map.of(), findings, Map.of(), List.of(), Map.of());
        many = ReportData.builder().addFindings("big.json", report).failOn(List.of("LOST_TASK"))
                .generatedAt(Instant.parse("2026-11-21T12:00:00Z")).build();
    }

    @Test
    @DisplayName("Markdown stays within its budget, keeps the findings that fail the run, and names the HTML report")
    void markdownBudget() throws Exception {
        FormatOptions options = FormatOptions.defaults().withMarkdownBudget(64 * 1024).withHtmlReportName("r.html");
        String md = GoldenFilesTest.render(ReportFormatType.MARKDOWN, many, options);

        assertThat(md.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64 * 1024);
        assertThat(md).contains("<code>LOST_TASK</code> Lost0.drop").contains("<code>LOST_TASK</code> Lost1.drop");
        assertThat(md).containsPattern("_[0-9,]+ more findings are not shown: this summary is kept under 65,536 bytes; "
                + "the HTML report r\\.html has them all\\._\\n$");
    }

    @Test
    @DisplayName("the default Markdown budget is under GitHub's 1 MiB summary limit")
    void markdownDefaultBudget() throws Exception {
        String md = GoldenFilesTest.render(ReportFormatType.MARKDOWN, many, FormatOptions.defaults());

        assertThat(md.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(900 * 1024).isGreaterThan(800 * 1024);
    }

    @Test
    @DisplayName("SARIF keeps at most the result limit, the most important first, and says how many it left out")
    void sarifResultLimit() throws Exception {
        String sarif = GoldenFilesTest.render(ReportFormatType.SARIF, many,
                FormatOptions.defaults().withSarifLimits(1000, 10_000_000));

        OutputValidation.assertValidSarif(sarif);
        JsonNode run = new ObjectMapper().readTree(sarif).get("runs").get(0);
        assertThat(run.get("results")).hasSize(1000);
        assertThat(run.get("results").get(0).get("ruleId").asText()).isEqualTo("LOST_TASK");
        assertThat(run.get("properties").get("resultsOmitted").asInt()).isEqualTo(5002);
        assertThat(run.get("invocations").get(0).get("toolExecutionNotifications").get(0).get("message").get("text")
                .asText()).startsWith("5,002 results were left out to stay within at most 1,000 results per run");
    }

    @Test
    @DisplayName("SARIF stays under the gzipped size limit")
    void sarifSizeLimit() throws Exception {
        String sarif = GoldenFilesTest.render(ReportFormatType.SARIF, many,
                FormatOptions.defaults().withSarifLimits(25_000, 100_000));

        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(sarif.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(gz.size()).isLessThanOrEqualTo(100_000);
        JsonNode run = new ObjectMapper().readTree(sarif).get("runs").get(0);
        assertThat(run.get("results").size()).isGreaterThan(100).isLessThan(6002);
        assertThat(sarif).contains("bytes gzipped (GitHub rejects larger uploads)");
    }

    @Test
    @DisplayName("HTML details the first findings of a kind, lists the next in a table, and counts the rest")
    void htmlCaps() throws Exception {
        String html = GoldenFilesTest.render(ReportFormatType.HTML, many, FormatOptions.defaults());

        assertThat(html.split("<details class=\"finding", -1)).hasSize(HtmlFormat.DETAILED_PER_KIND + 2 + 1);
        assertThat(html).contains("5,000 more sites of this kind</h3>")
                .contains("500 more sites of this kind are not shown");
    }
}
