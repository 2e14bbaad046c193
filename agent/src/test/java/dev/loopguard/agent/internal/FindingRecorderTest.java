package dev.loopguard.agent.internal;

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
}
