package dev.loopguard.agent.it;

import com.acme.loops.RepeatedCalls;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repeat at a call site whose first occurrence was a finding is counted without a stack capture once the agent has
 * marked the call in the application's code: counts stay exact, sites stay distinct and named as before.
 */
@DisplayName("Repeated findings at known call sites")
class RepeatedFindingsIT {
    private static final int N = 20_000;
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(RepeatedCalls.class, String.valueOf(N))
                .agentOptions("eventLoopThreads=repeat-loop-*,stallThreshold=1h")
                .jvmFlags("-Xlog:redefine+class+load=info:file=redefined.log")
                .run("repeated-findings");
        run.completed();
        report = run.report();
    }

    private static JsonNode only(String method) {
        List<JsonNode> found = run.findingsAt(report, "BLOCKING_CALL", method);
        assertThat(found).as(report.toPrettyString()).hasSize(1);
        return found.get(0);
    }

    @Test
    void marksTheCallSitesInTheApplicationsClass() throws Exception {
        assertThat(Files.readString(run.dir.resolve("redefined.log"))).contains("com.acme.loops.RepeatedCalls");
    }

    @Test
    void countsEveryRepeatOfALoopInsideTheMethodThatWasRunningWhenItsSiteWasMarked() {
        JsonNode tight = only("tight");
        assertThat(tight.get("count").asLong()).isEqualTo(N);
        assertThat(tight.get("site").asText()).matches("com\\.acme\\.loops\\.RepeatedCalls\\.tight\\(RepeatedCalls\\.java:\\d+\\)");
        assertThat(report.toString()).doesNotContain("Unknown Source");
    }

    @Test
    void countsEveryRepeatOfAHandlerCalledPerOccurrence() {
        assertThat(only("handler").get("count").asLong()).isEqualTo(N);
    }

    @Test
    void twoCallsOnOneLineAreOneSiteCountedTwice() {
        assertThat(only("twoOnOneLine").get("count").asLong()).isEqualTo(2L * N);
    }

    @Test
    void oneMethodReachedThroughTwoCallersIsOneSiteWithEveryOccurrence() {
        JsonNode shared = only("shared");
        assertThat(shared.get("count").asLong()).isEqualTo(2L * N);
        assertThat(shared.get("stack").toString()).contains("RepeatedCalls.viaFirst(");
    }

    @Test
    void aCallWhoseReceiverIsAnotherClassIsCountedAtTheLineThatReallyBlocks() {
        assertThat(only("readFrom").get("count").asLong()).isEqualTo(N);
        assertThat(only("read").get("site").asText()).contains("RepeatedCalls$Counting.read(");
        assertThat(only("read").get("count").asLong()).isEqualTo(N);
    }

    @Test
    void countsEveryRepeatOfAStaticCall() {
        assertThat(only("sleeps").get("count").asLong()).isEqualTo(N);
        assertThat(only("sleeps").get("operation").asText()).isEqualTo("java.lang.Thread.sleep");
    }
}
