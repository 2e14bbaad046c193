package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopguard.reports.BenchmarkResult;
import dev.loopguard.reports.FindingsReport;
import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.ReportData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every string of a report is untrusted: exception messages, thread names and sites come from the program under test,
 * JMH parameters from whoever wrote the benchmark. Each format shows them escaped, and stays well-formed.
 */
class HostileStringsTest {

    /** Markup, a Markdown table breaker, mentions, XML-illegal controls, a lone surrogate, terminators of each format. */
    static final String HOSTILE = "<script>alert(1)</script> | x | @here **b** [l](https://e.invalid) ``` ]]> "
            + "</pre></details></summary> \" ' & \u0000\u0001\u001b[31m \ud800 \uFFFE end";

    @TempDir
    static Path dir;

    private static ReportData data;

    @BeforeAll
    static void hostileReport() throws Exception {
        String json = Files.readString(Path.of("src/test/resources/fixtures/shard-a.json"));
        ObjectMapper mapper = new ObjectMapper();
        // As JSON writes it; a lone surrogate can only be written escaped, since UTF-8 cannot encode it.
        String quoted = mapper.writeValueAsString(HOSTILE).replace("\ud800", "\\ud800");
        String inner = quoted.substring(1, quoted.length() - 1);
        // Into every kind of field: thread, message, site, advice, reason, exception message, stack, controller.
        json = json.replace("loopguard-loop-1", inner)
                .replace("Move it off the loop with EventLoop.offload(...)", inner)
                .replace("com.acme.web.ConfigHandler.channelRead(ConfigHandler.java:58)",
                        "com.acme.web.ConfigHandler.channelRead(" + inner + ":58)")
                .replace("discarded by ThreadPoolExecutor.DiscardPolicy", inner)
                .replace("\"relay stuck\"", quoted)
                // Jackson refuses a lone surrogate in a field name (a controller's name is one), so not there.
                .replace("\"Irrigation\"", quoted.replace("\\ud800", ""));
        Path file = dir.resolve("hostile.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        FindingsReport report = FindingsReport.read(file);
        assertThat(report.findings().get(0).thread()).isEqualTo(HOSTILE);
        BenchmarkResult bench = new BenchmarkResult("com.acme." + HOSTILE + ".run", "avgt", 1, 1, "17",
                Map.of("mode", HOSTILE), 1.5, 0.1, 1.4, 1.6, "us/op", Map.of());
        data = ReportData.builder().addFindings(HOSTILE, report)
                .addProblem(new InputProblem(HOSTILE + ".json", "Findings report " + HOSTILE + " is not valid JSON"))
                .addBenchmarks(List.of(bench)).failOn(List.of("BLOCKING_CALL")).build();
    }

    private static String render(ReportFormatType type) throws Exception {
        return GoldenFilesTest.render(type, data, FormatOptions.defaults().withHtmlReportName(HOSTILE));
    }

    private static void assertNoRawControls(String out) {
        assertThat(out.chars().filter(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t').count()).isZero();
        assertThat(out.chars().filter(c -> Character.isSurrogate((char) c)).count()).isZero();
        assertThat(out).doesNotContain("\uFFFE").contains("\\u0000").contains("\\u0001").contains("\\uD800");
    }

    @Test
    @DisplayName("HTML: markup is shown, not run; the page has no script at all")
    void html() throws Exception {
        String html = render(ReportFormatType.HTML);

        assertThat(html).doesNotContainIgnoringCase("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(count(html, "<details")).isEqualTo(count(html, "</details>"));
        assertThat(count(html, "<pre")).isEqualTo(count(html, "</pre>"));
        assertNoRawControls(html);
    }

    @Test
    @DisplayName("Markdown: no raw pipe breaks a table, no mention, no markup, balanced details")
    void markdown() throws Exception {
        String md = render(ReportFormatType.MARKDOWN);

        assertThat(md).doesNotContain("<script").doesNotContain("@here").contains("&lt;script&gt;");
        // GitHub does not parse Markdown inside HTML blocks (<pre>, a <details><summary> line); elsewhere markup must
        // be escaped.
        String outsidePre = md.replaceAll("(?s)<pre>.*?</pre>", "").replaceAll("(?m)^<details><summary>.*$", "");
        assertThat(outsidePre).contains("&lt;script&gt;").doesNotContain("**b**").doesNotContain("[l](https")
                .doesNotContain("```");
        assertThat(count(md, "<details>")).isEqualTo(count(md, "</details>"));
        assertThat(count(md, "<pre>")).isEqualTo(count(md, "</pre>"));
        for (String line : md.split("\n")) {
            if (line.startsWith("| chainOnLoop") || line.startsWith("| run")) {
                assertThat(count(line, "|")).as(line).isEqualTo(7);
            }
        }
        assertThat(md).contains("| run | mode=&lt;script&gt;");
        assertNoRawControls(md);
    }

    @Test
    @DisplayName("JUnit XML: parses, validates against the XSD, and shows control characters as escapes")
    void junitXml() throws Exception {
        String xml = render(ReportFormatType.JUNIT_XML);

        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        OutputValidation.assertValidJUnitXml(xml);
        assertThat(xml).doesNotContain("<script").contains("&lt;script&gt;");
        assertNoRawControls(xml);
    }

    @Test
    @DisplayName("SARIF: parses and validates against the schema")
    void sarif() throws Exception {
        String sarif = render(ReportFormatType.SARIF);

        new ObjectMapper().readTree(sarif);
        OutputValidation.assertValidSarif(sarif);
        assertThat(sarif.chars().filter(c -> Character.isSurrogate((char) c)).count()).isZero();
        assertThat(sarif).contains("\\\\u0000");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
