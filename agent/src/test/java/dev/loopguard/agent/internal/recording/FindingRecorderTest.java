package dev.loopguard.agent.internal.recording;

import dev.loopguard.agent.internal.AgentOptions;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FindingRecorderTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final AgentRuntime runtime = new AgentRuntime(AgentOptions.defaults(),
            new PrintStream(console, true, StandardCharsets.UTF_8));

    private static Finding stall(String site, long millis, Instant at) {
        return Finding.builder(FindingKind.LOOP_STALL).thread("loop-1").message("stall " + millis).site(site)
                .durationMillis(millis).stack(List.of(site, "frame " + millis)).firstSeen(at).build();
    }

    @Test
    void mergesByKindAndSiteKeepingTheLongestOccurrence() {
        FindingRecorder recorder = runtime.recorder();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        recorder.record(stall("com.acme.A.run(A.java:1)", 150, t0));
        recorder.record(stall("com.acme.A.run(A.java:1)", 400, t0.plusSeconds(5)));
        recorder.record(stall("com.acme.A.run(A.java:1)", 200, t0.plusSeconds(9)));
        recorder.record(stall("com.acme.B.run(B.java:2)", 120, t0.plusSeconds(1)));
        List<Finding> all = recorder.snapshot();
        assertThat(all).hasSize(2);
        Finding a = all.get(0);
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.durationMillis()).hasValue(400);
        assertThat(a.message()).isEqualTo("stall 400");
        assertThat(a.stack()).contains("frame 400");
        assertThat(a.firstSeen()).isEqualTo(t0);
        assertThat(a.lastSeen()).isEqualTo(t0.plusSeconds(9));
        recorder.reset();
        assertThat(recorder.snapshot()).isEmpty();
    }

    @Test
    void everyRegisteredEnricherAddsItsContextInOrderBeforeTheFindingIsMerged() {
        FindingRecorder recorder = runtime.recorder();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        recorder.record(stall("com.acme.B.run(B.java:2)", 150, t0));
        recorder.addEnricher(f -> f.controller().isPresent() ? f : f.toBuilder().controller("kiln").build());
        recorder.addEnricher(f -> f.toBuilder().controller(f.controller().orElseThrow() + "/fan").build());
        recorder.record(stall("com.acme.A.run(A.java:1)", 200, t0.plusSeconds(1)));
        recorder.record(stall("com.acme.A.run(A.java:1)", 300, t0.plusSeconds(2)));
        List<Finding> all = recorder.snapshot();
        assertThat(all).hasSize(2);
        assertThat(all.get(0).controller()).isEmpty();
        assertThat(all.get(0).count()).isEqualTo(1);
        assertThat(all.get(1).controller()).hasValue("kiln/fan");
        assertThat(all.get(1).count()).isEqualTo(2);
    }

    @Test
    void listenersSeeEveryOccurrenceAndAFailingListenerIsDroppedAndReportedOnce() {
        FindingRecorder recorder = runtime.recorder();
        List<Long> counts = new ArrayList<>();
        recorder.addListener(f -> counts.add(f.count()));
        recorder.addListener(f -> {
            throw new IllegalStateException("listener bug");
        });
        recorder.record(stall("com.acme.A.run(A.java:1)", 150, Instant.now()));
        recorder.record(stall("com.acme.A.run(A.java:1)", 150, Instant.now()));
        assertThat(counts).containsExactly(1L, 2L);
        assertThat(runtime.agentErrors()).hasSize(1);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("listener bug");
    }

    @Test
    void aFailedDetectorIsTurnedOffAndReportedOnce() {
        runtime.detectorFailed("blocking", new IllegalStateException("boom"));
        runtime.detectorFailed("blocking", new IllegalStateException("again"));
        assertThat(runtime.detectorEnabled("blocking")).isFalse();
        assertThat(runtime.detectorEnabled("stall")).isTrue();
        assertThat(runtime.agentErrors()).containsOnlyKeys("blocking");
        assertThat(console.toString(StandardCharsets.UTF_8)).containsOnlyOnce("internal error in blocking");
    }

    @Test
    void theReportHasEveryContractField() {
        runtime.recorder().record(Finding.builder(FindingKind.BLOCKING_CALL).thread("loop-1").message("m")
                .operation("java.lang.Thread.sleep").site("com.acme.A.run(A.java:1)").stack(List.of("x"))
                .advice("do this").loop("main-loop").build());
        String json = new ReportWriter(runtime).render(runtime.recorder().snapshot(), Instant.now());
        assertThat(json).contains("\"tool\": \"loopguard\"", "\"jvm\": {", "\"startedAt\": ", "\"finishedAt\": ",
                "\"options\": {", "\"profile\": {}", "\"agentErrors\": []", "\"operation\": \"java.lang.Thread.sleep\"",
                "\"loop\": \"main-loop\"", "\"count\": 1");
        assertThat(json).doesNotContain("durationMillis", "createdAt", "exception");
    }

    private static Finding blocking(String site) {
        return Finding.builder(FindingKind.BLOCKING_CALL).thread("loop-1").message("m " + site).site(site)
                .operation("java.lang.Thread.sleep").stack(List.of(site)).build();
    }

    @Test
    void keepsAtMostTheBoundOfSitesPerKindAndCountsTheRest() {
        FindingRecorder recorder = new FindingRecorder(runtime, 3);
        for (int i = 0; i < 10; i++) {
            assertThat(recorder.record(blocking("com.acme.A.run(A.java:" + i + ")"))).isEqualTo(i < 3);
        }
        recorder.record(blocking("com.acme.A.run(A.java:7)"));
        recorder.record(blocking("com.acme.A.run(A.java:1)"));
        recorder.record(stall("com.acme.B.run(B.java:1)", 150, Instant.now()));
        assertThat(recorder.snapshot()).hasSize(4);
        assertThat(recorder.omitted()).containsOnlyKeys(FindingKind.BLOCKING_CALL);
        FindingRecorder.Omitted omitted = recorder.omitted().get(FindingKind.BLOCKING_CALL);
        assertThat(omitted.sites()).isEqualTo(7);
        assertThat(omitted.occurrences()).isEqualTo(8);
        recorder.reset();
        assertThat(recorder.omitted()).isEmpty();
        assertThat(recorder.record(blocking("com.acme.A.run(A.java:9)"))).isTrue();
    }

    @Test
    void aRepeatMovesTheCountOfItsSiteAndAfterAResetIsAFirstOccurrenceAgain() {
        FindingRecorder recorder = runtime.recorder();
        Finding first = blocking("com.acme.A.run(A.java:1)");
        recorder.record(first);
        String key = FindingRecorder.key(first);
        for (int i = 0; i < 5; i++) {
            recorder.repeat(first, key);
        }
        assertThat(recorder.snapshot()).singleElement().satisfies(f -> {
            assertThat(f.count()).isEqualTo(6);
            assertThat(f.lastSeen()).isAfterOrEqualTo(first.lastSeen());
        });
        recorder.reset();
        recorder.repeat(first, key);
        assertThat(recorder.snapshot()).singleElement().satisfies(f -> assertThat(f.count()).isEqualTo(1));
    }

    @Test
    void theConsoleSummaryIsBoundedSaysWhatItLeftOutAndKeepsEachFindingOnOneLine() {
        FindingRecorder recorder = new FindingRecorder(runtime, 150);
        recorder.record(Finding.builder(FindingKind.BLOCKING_CALL).thread("evil\nloopguard: no findings").message("m")
                .operation("java.lang.Thread.sleep").firstSeen(Instant.parse("2020-01-01T00:00:00Z")).build());
        for (int i = 0; i < 200; i++) {
            recorder.record(blocking("com.acme.A.run(A.java:" + i + ")"));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ConsoleSummary.print(out, recorder.snapshot(), recorder.omitted(), java.nio.file.Path.of("r.json"), null,
                "File too large");
        String text = bytes.toString(StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        assertThat(lines.length).isLessThanOrEqualTo(1 + 2 * ConsoleSummary.MAX_FINDINGS_LISTED + 1 + 1);
        assertThat(lines[0]).isEqualTo("loopguard: 150 findings kept of 201 (no report was written to r.json: File too"
                + " large)");
        assertThat(text).contains("  ... and 50 more findings\n")
                .contains("  BLOCKING_CALL: and 51 more sites (51 occurrences), counted but not kept")
                .contains(" on 'evil\\u000aloopguard: no findings' at ");
        assertThat(lines).noneMatch(l -> l.startsWith("loopguard: no findings"));
    }
}
