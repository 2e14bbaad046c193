package dev.loopguard.agent.it;

import com.acme.loops.HaltWhileJfrStarts;
import com.acme.loops.ManyFindings;
import com.acme.loops.NamedLoops;
import com.fasterxml.jackson.databind.JsonNode;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
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

    /**
     * Repeats at a known stack share one JFR event per site every 10 ms, whose {@code occurrences} says how many it
     * stands for: the site's first event (with its message and stack) stands for one, the repeats' events for the
     * rest, and there are far fewer events than occurrences. Before, every occurrence was an event.
     */
    @Test
    void repeatsAtAKnownStackShareJfrEventsThatCountTheirOccurrences() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(ManyFindings.class, "repeat", "50000")
                .agentOptions("eventLoopThreads=many-loop-*")
                .jvmFlags("-XX:StartFlightRecording=filename=recording.jfr,settings=default")
                .run("bounds-repeat-jfr");
        run.completed();
        List<RecordedEvent> reads = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(run.dir.resolve("recording.jfr"))) {
            if ("loopguard.BlockingCall".equals(e.getEventType().getName())
                    && e.getString("site").contains(".oneSite(")) {
                reads.add(e);
            }
        }
        assertThat(reads).isNotEmpty().hasSizeLessThan(50_000 / 10);
        List<RecordedEvent> full = new ArrayList<>();
        long sum = 0;
        for (RecordedEvent e : reads) {
            assertThat(e.getString("operation")).isEqualTo("java.io.FileInputStream.read");
            assertThat(e.getString("thread")).isEqualTo("many-loop-1");
            assertThat(e.getLong("occurrences")).isPositive();
            if (e.getString("stack") != null) {
                full.add(e);
            } else {
                assertThat(e.getString("message")).isNull();
                sum += e.getLong("occurrences");
            }
        }
        assertThat(full).singleElement().satisfies(e -> {
            assertThat(e.getLong("occurrences")).isEqualTo(1);
            assertThat(e.getString("stack")).contains("com.acme.loops.ManyFindings.oneSite(");
            assertThat(e.getString("message")).isNotNull();
        });
        // The repeats of the last 10 ms before exit are counted in the report and stand in no event.
        assertThat(1 + sum).isLessThanOrEqualTo(50_000);
        assertThat(run.findingsAt(run.report(), "BLOCKING_CALL", "oneSite")).singleElement()
                .satisfies(f -> assertThat(f.get("count").asLong()).isEqualTo(50_000));
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
     * early in the VM initialization sequence.} on the user's console (seen once in 60 short runs that halted at a
     * random moment, never in 180 that returned from main, called System.exit or exited from a static initializer). The halt now waits for the creation to complete.
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
