package dev.loopguard.agent.it;

import com.acme.loops.RepeatedCalls;
import com.acme.loops.RepeatsOnCoreLoop;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repeat at a call site whose first occurrence was a finding is counted without a stack capture: the agent marks
 * the calls of watched methods as the application's classes load and arms a site at its first finding. Counts stay
 * exact, sites stay distinct and named as before, and a loop inside one long call is counted through its mark from its
 * next iteration on.
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
                .jvmFlags("-Xlog:redefine+class+load=info:file=redefined.log",
                        // Every Throwable the JVM creates, with its stack: the detector's stack path creates one per
                        // occurrence it handles, the marked path none.
                        "-XX:StartFlightRecording=filename=throwables.jfr,jdk.JavaExceptionThrow#enabled=true")
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
    void marksTheCallSitesAsTheClassLoadsAndNeverRetransformsIt() throws Exception {
        assertThat(run.dir.resolve("redefined.log")).exists();
        assertThat(Files.readString(run.dir.resolve("redefined.log"))).doesNotContain("com.acme.loops.RepeatedCalls");
    }

    /**
     * The stack path ran once per site, for its first occurrence: every repeat, including those of the loop that was
     * already running inside {@code tight} when its site's first finding came, was counted through the mark. Before,
     * the mark was woven by retransforming the class after the first finding, and the running loop kept its old code:
     * {@code tight} took the stack path N times.
     */
    @Test
    void capturesTheStackOnlyForTheFirstOccurrenceAtEachSiteEvenInsideARunningLoop() throws Exception {
        Map<String, Integer> captures = stackCaptures(run, RepeatedCalls.class.getName());
        assertThat(captures).as("stack captures by the method that called the watched one")
                .containsEntry("tight", 1).containsEntry("handler", 1).containsEntry("twoOnOneLine", 1)
                .containsEntry("shared", 1);
        if (!Modifier.isNative(Thread.class.getDeclaredMethod("sleep", long.class).getModifiers())) {
            // JDK 21 and later: sleep(long) has a body and is hooked. Before, it is native and caught at its call
            // site by a call woven there, whose repeats take the stack path.
            assertThat(captures).containsEntry("sleeps", 1);
        }
    }

    @Test
    void countsEveryRepeatOfALoopInsideTheMethodThatWasRunningWhenItsSiteWasArmed() {
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

    /**
     * With an {@code allow} list no call is marked: a caller further down the stack decides whether an occurrence is
     * allowed, which only the stack shows. Here {@code shared} is allowed through {@code viaFirst} and not through
     * {@code viaSecond}; a mark armed by the first finding (through {@code viaSecond}) would count the allowed
     * occurrences too.
     */
    @Test
    void withAnAllowListEveryOccurrenceIsDecidedByItsStack() throws Exception {
        ForkedJvm.Result allowed = ForkedJvm.main(RepeatedCalls.class, String.valueOf(N))
                .agentOptions("eventLoopThreads=repeat-loop-*,stallThreshold=1h,"
                        + "allow=com.acme.loops.RepeatedCalls#viaFirst")
                .run("repeated-findings-allow");
        allowed.completed();
        JsonNode allowedReport = allowed.report();
        assertThat(allowed.findingsAt(allowedReport, "BLOCKING_CALL", "shared")).as(allowedReport.toPrettyString())
                .singleElement().satisfies(f -> {
                    assertThat(f.get("count").asLong()).isEqualTo(N);
                    assertThat(f.get("stack").toString()).contains("RepeatedCalls.viaSecond(")
                            .doesNotContain("RepeatedCalls.viaFirst(");
                });
        assertThat(allowed.findingsAt(allowedReport, "BLOCKING_CALL", "tight")).singleElement()
                .satisfies(f -> assertThat(f.get("count").asLong()).isEqualTo(N));
    }

    /**
     * A loop recognised by its class (core's), with no {@code eventLoopThreads}: the blocking hooks are woven only
     * when the loop starts, after the application's main class loaded. Calls in that class are marked by the hooks'
     * declared filters, calls in a class loaded later by the methods woven; both count a loop inside one call through
     * the mark, with one stack capture each.
     */
    @Test
    void marksTheCallsOfClassesLoadedBeforeAndAfterTheFirstLoopStarts() throws Exception {
        ForkedJvm.Result core = ForkedJvm.main(RepeatsOnCoreLoop.class, String.valueOf(N))
                .agentOptions("stallThreshold=1h")
                .jvmFlags("-XX:StartFlightRecording=filename=throwables.jfr,jdk.JavaExceptionThrow#enabled=true")
                .run("repeated-findings-core-loop");
        core.completed();
        JsonNode coreReport = core.report();
        for (String method : List.of("early", "late")) {
            assertThat(core.findingsAt(coreReport, "BLOCKING_CALL", method)).as(coreReport.toPrettyString())
                    .singleElement().satisfies(f -> assertThat(f.get("count").asLong()).isEqualTo(N));
        }
        assertThat(stackCaptures(core, RepeatsOnCoreLoop.class.getName()))
                .as("stack captures by the method that called the watched one")
                .containsEntry("early", 1).containsEntry("late", 1);
    }

    /**
     * How many times the detector's stack path ran, by the method of {@code className} (or a nested class of it) that
     * called the watched method: every Throwable the JVM created on the way, from the run's JFR recording.
     */
    private static Map<String, Integer> stackCaptures(ForkedJvm.Result result, String className) throws Exception {
        Map<String, Integer> captures = new TreeMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(result.dir.resolve("throwables.jfr"))) {
            if (!"jdk.JavaExceptionThrow".equals(e.getEventType().getName()) || e.getStackTrace() == null) {
                continue;
            }
            boolean detector = false;
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                String type = f.getMethod().getType().getName();
                if (type.endsWith(".BlockingCallDetector") && f.getMethod().getName().equals("onBlocking")) {
                    detector = true;
                } else if (detector && (type.equals(className) || type.startsWith(className + "$"))) {
                    captures.merge(f.getMethod().getName(), 1, Integer::sum);
                    break;
                }
            }
        }
        return captures;
    }

    @Test
    void countsEveryRepeatOfAStaticCall() {
        assertThat(only("sleeps").get("count").asLong()).isEqualTo(N);
        assertThat(only("sleeps").get("operation").asText()).isEqualTo("java.lang.Thread.sleep");
    }
}
