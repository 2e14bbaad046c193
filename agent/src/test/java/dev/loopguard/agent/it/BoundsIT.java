package dev.loopguard.agent.it;

import com.acme.loops.HaltWhileJfrStarts;
import com.acme.loops.ManyFindings;
import com.acme.loops.NamedLoops;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the agent keeps, prints and writes stays bounded whatever the program does, and says what it left out. */
@DisplayName("Bounds")
class BoundsIT {

    @Test
    void keepsTheFirst500SitesOfAKindAndCountsTheRestInTheReportAndTheSummary() throws Exception {
        // The one task that makes the 2,000 calls is itself a stall; this test is about the bound on blocking calls.
        ForkedJvm.Result run = ForkedJvm.main(ManyFindings.class, "sites", "2000")
                .agentOptions("eventLoopThreads=many-loop-*,stallThreshold=1h").run("bounds-distinct-sites");
        run.completed();
        JsonNode report = run.report();
        assertThat(ReportSchema.errors(report)).isEmpty();
        List<JsonNode> generated = new ArrayList<>();
        report.get("findings").forEach(f -> {
            if (f.get("site").asText().startsWith("com.acme.gen.")) {
                generated.add(f);
            }
        });
        assertThat(generated).hasSize(500).allSatisfy(f -> assertThat(f.get("count").asLong()).isEqualTo(1));
        JsonNode omitted = report.get("omitted").get("BLOCKING_CALL");
        assertThat(omitted.get("sites").asLong()).isEqualTo(1500);
        assertThat(omitted.get("occurrences").asLong()).isEqualTo(1500);
        String[] lines = run.stderr.split("\n");
        assertThat(lines.length).as(run.stderr).isLessThanOrEqualTo(210);
        assertThat(run.stderr).contains("loopguard: 500 findings kept of 2000 (report: ")
                .contains("  ... and 400 more findings, listed in the report")
                .contains("  BLOCKING_CALL: and 1500 more sites (1500 occurrences), counted but not kept: the agent"
                        + " keeps the first 500 sites of each kind");
    }

    @Test
    void aRepeatedFindingAtAKnownStackIsCountedExactly() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(ManyFindings.class, "repeat", "100000")
                .agentOptions("eventLoopThreads=many-loop-*").run("bounds-repeat");
        run.completed();
        JsonNode report = run.report();
        List<JsonNode> reads = run.findingsAt(report, "BLOCKING_CALL", "oneSite");
        assertThat(reads).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("count").asLong()).isEqualTo(100_000);
            assertThat(f.get("operation").asText()).isEqualTo("java.io.FileInputStream.read");
        });
    }

    @Test
    void aShortProgramPrintsNothingButItsOwnOutputAndTheAgentsDocumentedLines() throws Exception {
        for (int i = 0; i < 3; i++) {
            ForkedJvm.Result run = ForkedJvm.main(NamedLoops.class, "quiet-loop-1:sleep")
                    .agentOptions("eventLoopThreads=quiet-loop-*").run("bounds-quiet-" + i);
            run.completed();
            for (String line : run.stdout.split("\n")) {
                assertThat(line).as(run.toString()).matches("quiet-loop-1 sleep completed|findings 1|scenario done");
            }
            for (String line : run.stderr.split("\n")) {
                assertThat(line).as(run.toString()).matches("loopguard: .*|  [A-Z_]+ x[0-9]+ .*|    fix: .*");
            }
        }
    }

    /**
     * {@code Runtime.halt} runs no shutdown hook: without the agent's hook on it, JFR being created for the agent's
     * stream at that moment was cut off by the JVM's death (its creation never completed), and when its JVMTI set-up
     * came after the JVM had begun to die, JFR printed {@code [error][jfr,system] An attempt was made to start JFR too
     * early in the VM initialization sequence.} on the user's console (seen once in about 160 short runs that halted
     * at a random moment). The halt now waits for the creation to complete.
     */
    @Test
    void aHaltWhileJfrIsBeingCreatedForTheAgentWaitsForItAndPrintsNothingOfJfrs() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(HaltWhileJfrStarts.class)
                .agentOptions("eventLoopThreads=halt-loop-*").run("bounds-halt-while-jfr-starts");
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stdout).as(run.toString()).contains("halting while JFR starts\nJFR initialized");
        assertThat(run.stderr).as(run.toString()).doesNotContain("jfr,").doesNotContain("[error]");
    }
}
