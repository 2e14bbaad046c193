package dev.loopguard.reports.format;

import dev.loopguard.reports.Baseline;
import dev.loopguard.reports.FindingsReport;
import dev.loopguard.reports.Fingerprints;
import dev.loopguard.reports.JmhResults;
import dev.loopguard.reports.ReportData;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The report every format test renders: two shards, JMH results, a baseline of one known finding. */
final class Fixtures {

    static final Path DIR = Path.of("src/test/resources/fixtures");
    static final Instant GENERATED = Instant.parse("2026-11-21T12:00:00Z");

    private Fixtures() {
    }

    static ReportData twoShards() {
        FindingsReport a = FindingsReport.read(DIR.resolve("shard-a.json"));
        FindingsReport b = FindingsReport.read(DIR.resolve("shard-b.json"));
        String stall = Fingerprints.of(a.findingsOfKind("LOOP_STALL").get(0));
        return ReportData.builder()
                .addFindings("shard-a.json", a)
                .addFindings("shard-b.json", b)
                .addBenchmarks(JmhResults.read(DIR.resolve("jmh-results.json")))
                .baseline(Baseline.of(List.of(stall)))
                .failOn(List.of("BLOCKING_CALL", "LOST_TASK"))
                .generatedAt(GENERATED)
                .build();
    }

    static FormatOptions options() {
        return FormatOptions.defaults().withSourceBase(DIR.resolve("srcroot")).withHtmlReportName("loopguard.html");
    }
}
