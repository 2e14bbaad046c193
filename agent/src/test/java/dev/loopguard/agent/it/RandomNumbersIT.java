package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.loops.RandomOnNettyLoop;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Random numbers on a Netty loop: {@code /dev/urandom} never blocks, {@code /dev/random} may. */
@DisplayName("Random numbers on a Netty loop")
class RandomNumbersIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(RandomOnNettyLoop.class).run("random-on-netty-loop").completed();
        report = run.report();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
    }

    @Test
    void uuidsDefaultSecureRandomAndRandomAreNotBlockingCallsEvenTheFirstTime() {
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "requestId")).as(report.toPrettyString()).isEmpty();
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "sessionToken")).as(report.toPrettyString()).isEmpty();
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "jitter")).as(report.toPrettyString()).isEmpty();
    }

    @Test
    void aStrongSecureRandomReadsDevRandomAndStaysAFinding() {
        List<JsonNode> found = run.findingsAt(report, "BLOCKING_CALL", "strongToken");
        assertThat(found).as(report.toPrettyString()).hasSize(1);
        assertThat(found.get(0).get("operation").asText()).isEqualTo("java.security.SecureRandom.nextBytes");
        assertThat(found.get(0).get("thread").asText()).startsWith("nioEventLoopGroup-");
    }

    @Test
    void readingDevRandomItselfStaysAFinding() {
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "devRandomRead"))
                .as(report.toPrettyString())
                .extracting(f -> f.get("operation").asText())
                .containsExactly("java.io.FileInputStream.read");
    }
}
