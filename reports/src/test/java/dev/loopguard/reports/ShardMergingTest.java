package dev.loopguard.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopguard.reports.format.FormatOptions;
import dev.loopguard.reports.format.ReportFormatFactory;
import dev.loopguard.reports.format.ReportFormatType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardMergingTest {

    @TempDir
    Path tmp;

    private static final Path A = Path.of("src/test/resources/fixtures/shard-a.json");
    private static final Path B = Path.of("src/test/resources/fixtures/shard-b.json");

    private static MergedFinding only(ReportData data, String kind, String locationPrefix) {
        return data.findings().stream().filter(f -> f.kind().equals(kind) && f.location().startsWith(locationPrefix))
                .reduce((x, y) -> {
                    throw new AssertionError("more than one " + kind + " at " + locationPrefix);
                }).orElseThrow();
    }

    @Test
    @DisplayName("the same kind and site in two shards become one finding: counts summed, times widened, threads and inputs listed")
    void mergesTheSameSite() {
        ReportData data = ReportData.builder().addFindings(A).addFindings(B).build();

        MergedFinding read = only(data, "BLOCKING_CALL", "com.acme.web.ConfigHandler");
        assertThat(read.count()).isEqualTo(12 + 30);
        assertThat(read.firstSeen()).isEqualTo(Instant.parse("2026-11-21T11:27:12Z"));
        assertThat(read.lastSeen()).isEqualTo(Instant.parse("2026-11-21T11:27:40Z"));
        assertThat(read.threads()).containsExactly("nioEventLoopGroup-2-1", "nioEventLoopGroup-2-2");
        assertThat(read.inputs()).containsExactly(A.toString(), B.toString());
        assertThat(data.findings()).hasSize(7);
        assertThat(data.inputs()).containsExactly(A.toString(), B.toString());
    }

    @Test
    @DisplayName("a site that moved two lines down (an edit above it) keeps its fingerprint and merges")
    void lineShiftKeepsTheFingerprint() {
        ReportData data = ReportData.builder().addFindings(A).addFindings(B).build();

        MergedFinding sleep = only(data, "BLOCKING_CALL", "com.acme.greenhouse.Pump");
        assertThat(sleep.site()).isEqualTo("com.acme.greenhouse.Pump.run(Pump.java:41)");
        assertThat(sleep.otherSites()).containsExactly("com.acme.greenhouse.Pump.run(Pump.java:43)");
        assertThat(sleep.count()).isEqualTo(7);
        assertThat(sleep.firstSeen()).isEqualTo(Instant.parse("2026-11-21T11:26:59Z"));
        assertThat(sleep.lastSeen()).isEqualTo(Instant.parse("2026-11-21T11:27:52Z"));
    }

    @Test
    @DisplayName("controller profiles merge: loops summed, mean weighted, maxima kept")
    void mergesControllerProfiles() {
        ReportData data = ReportData.builder().addFindings(A).addFindings(B).build();

        ControllerProfile thermostat = data.controllers().stream().filter(c -> c.name().equals("Thermostat"))
                .findFirst().orElseThrow();
        assertThat(thermostat.loops()).isEqualTo(2880 + 1440);
        assertThat(thermostat.meanMillis()).isCloseTo((0.4 * 2880 + 0.7 * 1440) / 4320, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(thermostat.maxMillis()).isEqualTo(412);
        assertThat(thermostat.p99Millis()).isEqualTo(3.0);
        assertThat(thermostat.slowLoops()).isEqualTo(2);
        assertThat(thermostat.inputs()).isEqualTo(2);
        assertThat(data.agentErrors()).containsExactly(B + ": monitor-contention: java.lang.IllegalStateException: JFR unavailable");
    }

    @Test
    @DisplayName("reading shards on an executor gives the same merge as reading them one by one, in the order given")
    void parallelReadIsDeterministic() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ReportData parallel = ReportData.builder().addFindings(List.of(B, A, B), pool).build();
            ReportData serial = ReportData.builder().addFindings(B).addFindings(A).addFindings(B).build();
            assertThat(parallel.findings()).isEqualTo(serial.findings());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("an unreadable shard is a problem; the others are still merged")
    void badShardIsAProblem() {
        ReportData data = ReportData.builder().addFindings(A).addFindings(Path.of("no-such-shard.json")).build();

        assertThat(data.findings()).hasSize(5);
        assertThat(data.problems()).singleElement().satisfies(p -> {
            assertThat(p.input()).isEqualTo("no-such-shard.json");
            assertThat(p.message()).contains("Cannot read findings report no-such-shard.json");
        });
    }

    @Test
    @DisplayName("the fingerprint ignores line numbers and lambda numbers, and tells operations apart")
    void fingerprints() {
        ReportFinding f = finding("com.acme.Pump.lambda$run$0(Pump.java:41)", "java.lang.Thread.sleep", 1, null);
        ReportFinding moved = finding("app//com.acme.Pump.lambda$run$3(Pump.java:58)", "java.lang.Thread.sleep", 1, null);
        ReportFinding other = finding("com.acme.Pump.lambda$run$0(Pump.java:41)", "java.lang.Object.wait", 1, null);
        ReportFinding elsewhere = finding("com.acme.Pump.stop(Pump.java:41)", "java.lang.Thread.sleep", 1, null);

        assertThat(Fingerprints.of(f)).hasSize(32).isEqualTo(Fingerprints.of(moved));
        assertThat(Fingerprints.of(f)).isNotEqualTo(Fingerprints.of(other)).isNotEqualTo(Fingerprints.of(elsewhere));
    }

    @Test
    @DisplayName("counts saturate instead of wrapping, and a harness's tests are listed")
    void saturatesAndListsTests() {
        ReportData data = ReportData.builder()
                .addFindings("a", report(finding("com.acme.Pump.run(Pump.java:41)", "java.lang.Thread.sleep",
                        Long.MAX_VALUE - 1, "com.acme.PumpTest#starts")))
                .addFindings("b", report(finding("com.acme.Pump.run(Pump.java:41)", "java.lang.Thread.sleep", 5,
                        "com.acme.PumpTest#stops")))
                .build();

        MergedFinding f = data.findings().get(0);
        assertThat(f.count()).isEqualTo(Long.MAX_VALUE);
        assertThat(f.tests()).containsExactly("com.acme.PumpTest#starts", "com.acme.PumpTest#stops");
    }

    static ReportFinding finding(String site, String operation, long count, String test) {
        return new ReportFinding("BLOCKING_CALL", "loop-1", "Blocking call " + operation + " at " + site, List.of(site),
                site, count, Instant.parse("2026-11-21T11:00:00Z"), Instant.parse("2026-11-21T11:00:01Z"), "Offload it.",
                operation, null, null, null, null, null, null, null, null, test);
    }

    static FindingsReport report(ReportFinding... findings) {
        return new FindingsReport("test", "17", "Debian", Instant.parse("2026-11-21T11:00:00Z"),
                Instant.parse("2026-11-21T11:00:02Z"), Map.of(), List.of(findings), Map.of(), List.of(), Map.of());
    }

    @Test
    @DisplayName("sites an agent counted but did not list are summed per kind over the shards and shown in HTML and Markdown")
    void omittedSitesAreSummedAndShown() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path[] shards = new Path[2];
        for (int i = 0; i < 2; i++) {
            ObjectNode root = (ObjectNode) json.readTree(A.toFile());
            root.putObject("omitted").putObject("BLOCKING_CALL").put("sites", 1500 + i).put("occurrences", 4000L);
            shards[i] = tmp.resolve("bounded-" + i + ".json");
            json.writeValue(shards[i].toFile(), root);
        }
        ReportData data = ReportData.builder().addFindings(shards[0]).addFindings(shards[1]).build();

        assertThat(data.problems()).isEmpty();
        assertThat(data.omitted()).containsOnlyKeys("BLOCKING_CALL");
        assertThat(data.omitted().get("BLOCKING_CALL")).isEqualTo(new ReportData.OmittedSites(3001, 8000));
        assertThat(data.extensions()).isEmpty();
        ByteArrayOutputStream html = new ByteArrayOutputStream();
        ReportFormatFactory.create(ReportFormatType.HTML, FormatOptions.defaults()).write(data, html);
        assertThat(html.toString(StandardCharsets.UTF_8))
                .contains("Sites counted but not listed").contains("<code>BLOCKING_CALL</code>: 3,001 more sites");
        ByteArrayOutputStream md = new ByteArrayOutputStream();
        ReportFormatFactory.create(ReportFormatType.MARKDOWN, FormatOptions.defaults()).write(data, md);
        assertThat(md.toString(StandardCharsets.UTF_8)).contains("3,001 more sites (8,000 occurrences)");
    }
}
