package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.vthreads.NoVirtualThreads;
import com.acme.vthreads.PinnedScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PINNED_THREAD on JDK 21+ (the CI runs the suite on JDK 25 too); on 17 the agent stays quiet about it. */
@DisplayName("Virtual threads")
class VirtualThreadsIT {

    @Test
    void aVirtualThreadPinnedWhileBlockingIsAFindingAndPlainBlockingIsNot() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(PinnedScenario.class).run("pinned-threads");
        assertThat(run.exitCode).as(run.toString()).isZero();
        JsonNode report = run.report();
        assertThat(ReportSchema.errors(report)).isEmpty();
        if (Runtime.version().feature() < 21) {
            assertThat(run.stdout).contains("scenario skipped");
            assertThat(report.get("findings")).isEmpty();
            return;
        }
        assertThat(run.stdout).as(run.toString()).contains("scenario done");
        List<JsonNode> pinned = run.findingsAt(report, "PINNED_THREAD", "<clinit>");
        assertThat(pinned).as(report.toPrettyString()).isNotEmpty();
        JsonNode f = pinned.get(0);
        assertThat(f.get("thread").asText()).isEqualTo("initializer");
        assertThat(f.get("operation").asText()).isEqualTo("java.util.concurrent.TimeUnit.sleep");
        assertThat(f.get("durationMillis").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(f.get("site").asText()).startsWith("com.acme.vthreads.SlowInit.<clinit>(SlowInit.java:");
        for (JsonNode finding : report.get("findings")) {
            assertThat(finding.get("thread").asText()).as(finding.toString()).isNotEqualTo("sleeper");
        }
    }

    @Test
    void thePinOfTheVeryFirstVirtualThreadIsSeenThoughTheMonitorStartsOnlyThen() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        ForkedJvm.Result run = ForkedJvm.main(PinnedScenario.class, "first").run("pinned-first-thread")
                .completed();
        JsonNode report = run.report();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        assertThat(run.findingsAt(report, "PINNED_THREAD", "<clinit>")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("thread").asText()).isEqualTo("initializer"));
    }

    @Test
    void aJvmWithoutVirtualThreadsNeverStartsTheMonitor() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        ForkedJvm.Result run = ForkedJvm.main(NoVirtualThreads.class).jvmFlags("-Xlog:class+load=info:file=classes.txt")
                .run("no-virtual-threads");
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stdout).contains("no virtual threads here");
        String loaded = java.nio.file.Files.readString(run.dir.resolve("classes.txt"));
        assertThat(loaded).contains("com.acme.vthreads.NoVirtualThreads");
        assertThat(loaded).as("JFR's consumer API is loaded only for virtual threads")
                .doesNotContain("jdk.jfr.consumer.RecordingStream");
    }

    @Test
    void onJdk17TheMonitorDoesNotStart() throws Exception {
        assumeTrue(Runtime.version().feature() < 21, "only meaningful before JDK 21");
        ForkedJvm.Result run = ForkedJvm.main(PinnedScenario.class).run("pinned-threads-17");
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.report().get("agentErrors")).isEmpty();
    }
}
