package dev.loopguard.agent.it;

import com.acme.loops.InstallScenario;
import com.acme.loops.NamedLoops;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every agent option, in both forms, and what a malformed one does. */
@DisplayName("Agent options")
class OptionsIT {

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("given as agent arguments, with mode=throw")
    class AgentArguments {
        ForkedJvm.Result run;
        JsonNode report;

        @BeforeAll
        void runScenario() throws Exception {
            run = ForkedJvm.main(NamedLoops.class, "custom-loop-1:sleep+park+allowed+otherPackage+cpu",
                            "plain-1:sleep")
                    .agentOptions("report=out/custom.json,eventLoopThreads=custom-loop-*;spare-*,"
                            + "allow=com.acme.loops.NamedLoops#allowedSleep,packages=com.acme.loops,stallThreshold=50ms,"
                            + "mode=throw,failOn=PINNED_THREAD,tasks=off,ignoredFutures=strict,"
                            + "controllers=com.acme.loops.NamedLoops,fireAndForget=com.acme.loops.NamedLoops#cpu")
                    .run("options-agent-arguments");
            assertThat(run.exitCode).as(run.toString()).isZero();
            report = run.report("out/custom.json");
        }

        @Test
        void writesTheReportWhereTheReportOptionSays() {
            assertThat(run.dir.resolve("loopguard-report.json")).doesNotExist();
            assertThat(report.get("options").get("report").asText()).isEqualTo("out/custom.json");
        }

        @Test
        void echoesEveryOptionInTheReport() throws Exception {
            JsonNode o = report.get("options");
            assertThat(o.get("eventLoopThreads").toString()).isEqualTo("[\"custom-loop-*\",\"spare-*\"]");
            assertThat(o.get("allow").toString()).isEqualTo("[\"com.acme.loops.NamedLoops#allowedSleep\"]");
            assertThat(o.get("packages").toString()).isEqualTo("[\"com.acme.loops\"]");
            assertThat(o.get("stallThreshold").asText()).isEqualTo("50ms");
            assertThat(o.get("mode").asText()).isEqualTo("throw");
            assertThat(o.get("failOn").toString()).isEqualTo("[\"PINNED_THREAD\"]");
            assertThat(o.get("tasks").asText()).isEqualTo("off");
            assertThat(o.get("ignoredFutures").asText()).isEqualTo("strict");
            assertThat(o.get("controllers").toString()).isEqualTo("[\"com.acme.loops.NamedLoops\"]");
            assertThat(o.get("fireAndForget").toString()).isEqualTo("[\"com.acme.loops.NamedLoops#cpu\"]");
            assertThat(ReportSchema.errors(report)).isEmpty();
        }

        @Test
        void throwModeThrowsABlockingCallExceptionWhoseMessageIsTheFinding() {
            List<JsonNode> found = run.findingsAt(report, "BLOCKING_CALL", "sleep");
            assertThat(found).as(report.toPrettyString()).hasSize(1);
            assertThat(run.stdout).contains("custom-loop-1 sleep threw BlockingCallException: "
                    + found.get(0).get("message").asText());
        }

        @Test
        void throwModeNeverThrowsFromAParkButStillReportsIt() {
            assertThat(run.stdout).contains("custom-loop-1 park completed");
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "park")).as(report.toPrettyString())
                    .extracting(f -> f.get("operation").asText())
                    .containsExactly("java.util.concurrent.CompletableFuture.join");
        }

        @Test
        void allowedMethodsMayBlock() {
            assertThat(run.stdout).contains("custom-loop-1 allowed completed");
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "allowedSleep")).isEmpty();
        }

        @Test
        void packagesDecideWhichFramesAreTheApplications() {
            List<JsonNode> found = run.findingsAt(report, "BLOCKING_CALL", "otherPackage");
            assertThat(found).as(report.toPrettyString()).singleElement()
                    .satisfies(f -> assertThat(f.get("operation").asText()).isEqualTo("com.other.Lib.pause"));
        }

        @Test
        void eventLoopThreadsPatternsMakeNamedThreadsEventLoopsAndOnlyThose() {
            assertThat(report.get("findings")).allSatisfy(f ->
                    assertThat(f.get("thread").asText()).isEqualTo("custom-loop-1"));
            assertThat(run.stdout).contains("plain-1 sleep completed");
        }

        @Test
        void stallThresholdSetsWhatCountsAsAStall() {
            assertThat(run.findingsAt(report, "LOOP_STALL", "cpu")).as(report.toPrettyString()).singleElement()
                    .satisfies(f -> assertThat(f.get("message").asText()).contains("(stallThreshold 50 ms)"));
        }

        @Test
        void failOnKindsThatWereNotFoundLeaveTheExitStatusAlone() {
            assertThat(run.stderr).doesNotContain("failOn");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("given as system properties, with failOn")
    class SystemProperties {
        ForkedJvm.Result run;
        JsonNode report;

        @BeforeAll
        void runScenario() throws Exception {
            run = ForkedJvm.main(NamedLoops.class, "sys-loop-1:sleep+cpu", "custom-loop-1:sleep")
                    .jvmFlags("-Dloopguard.report=sys.json", "-Dloopguard.eventLoopThreads=sys-loop-*",
                            "-Dloopguard.stallThreshold=2s", "-Dloopguard.failOn=BLOCKING_CALL;LOOP_STALL")
                    .agentOptions("report=wins.json")
                    .run("options-system-properties");
            report = run.report("wins.json");
        }

        @Test
        void theAgentArgumentWinsOverTheSystemProperty() {
            assertThat(run.dir.resolve("sys.json")).doesNotExist();
            assertThat(report.get("options").get("report").asText()).isEqualTo("wins.json");
        }

        @Test
        void systemPropertiesSetTheOtherOptions() {
            assertThat(report.get("options").get("stallThreshold").asText()).isEqualTo("2s");
            assertThat(report.get("options").get("eventLoopThreads").toString()).isEqualTo("[\"sys-loop-*\"]");
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "sleep")).as(report.toPrettyString())
                    .singleElement().satisfies(f -> assertThat(f.get("thread").asText()).isEqualTo("sys-loop-1"));
        }

        @Test
        void aTaskShorterThanTheStallThresholdIsNotAStall() {
            assertThat(run.findingsAt(report, "LOOP_STALL", "cpu")).as(report.toPrettyString()).isEmpty();
        }

        @Test
        void failOnExitsWithStatus3AfterWritingTheReport() {
            assertThat(run.exitCode).as(run.toString()).isEqualTo(3);
            assertThat(run.stdout).contains("scenario done");
            assertThat(run.stderr).contains("loopguard: failOn BLOCKING_CALL found; exiting with status 3");
            assertThat(report.get("findings")).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0} stops the JVM: {1}")
    @CsvSource(delimiter = '|', value = {
        "stallThreshold=fast | stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was 'fast'",
        "stallThreshold=0ms | stallThreshold must be greater than 0, was '0ms'",
        "stallThreshold=999999999m | stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was '999999999m': longer than 106751d",
        "stallThreshold=200000000m | stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was '200000000m': longer than 106751d",
        "mode=loud | mode must be report|throw, was 'loud'",
        "failOn=BLOCKING | failOn item 'BLOCKING' is not a finding kind: expected BLOCKING_CALL, LOOP_STALL",
        "allow=com.acme.Cache | allow item 'com.acme.Cache' is malformed: expected CLASS#METHOD",
        "fireAndForget=#save | fireAndForget item '#save' is malformed: expected CLASS#METHOD",
        "colour=red | unknown agent option 'colour' (value 'red'): expected one of report, eventLoopThreads",
        "stalThreshold=2s | unknown agent option 'stalThreshold' (value '2s'), did you mean stallThreshold?",
        "report= | report must be a file path such as build/loopguard.json, was ''",
        "eventLoopThreads=a;;b | eventLoopThreads has an empty item in 'a;;b'",
        "packages=com..acme | packages item 'com..acme' is malformed",
        "controllers=1Bad | controllers item '1Bad' is malformed",
        "tasks=most | tasks must be off|sampled|full, was 'most'",
        "ignoredFutures=lax | ignoredFutures must be default|strict, was 'lax'",
        "mode | agent option 'mode' is malformed: expected key=value pairs separated by ','",
        "'mode=throw,' | the agent argument 'mode=throw,' has an empty option (a leading, trailing or doubled ',')",
        "mode=throw,mode=report | agent option mode is given twice ('throw' and 'report')",
        "-Dloopguard.stallThreshold=soon | stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was 'soon'",
        "-Dloopguard.stalThreshold=2s | unknown system property loopguard.stalThreshold (value '2s'), did you mean loopguard.stallThreshold?",
    })
    void aMalformedOptionStopsTheJvmAtStartupNamingOptionValueAndForm(String option, String message) throws Exception {
        ForkedJvm fork = ForkedJvm.main(NamedLoops.class, "sys-loop-1:sleep");
        fork = option.startsWith("-D") ? fork.jvmFlags(option) : fork.agentOptions(option);
        ForkedJvm.Result run = fork.run("malformed-" + Integer.toHexString(option.hashCode()));
        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr).contains("loopguard: " + message)
                .contains("the JVM stops because the agent options are invalid (exit status 2)")
                .doesNotContain("loopguard: loopguard")
                .doesNotContain("Exception");
        assertThat(run.stdout).doesNotContain("scenario done");
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("LoopguardAgent.install()")
    class Install {
        @Test
        void selfAttachesWhenNoAgentWasGivenAndOffersTheInProcessApi() throws Exception {
            List<String> cp = new ArrayList<>(ForkedJvm.scenarioClassPath());
            cp.add(ForkedJvm.AGENT_JAR.toString());
            ForkedJvm.Result run = ForkedJvm.main(InstallScenario.class).withoutAgentFlag().classPath(cp)
                    .jvmFlags("-Dloopguard.eventLoopThreads=install-loop-*").run("install");
            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(run.stdout).as(run.toString())
                    .contains("installed before: false")
                    .contains("findings before install: the Loopguard agent is not running in this JVM")
                    .contains("installed after: true")
                    .contains("listener: BLOCKING_CALL java.lang.Thread.sleep x1")
                    .contains("findings: 1 com.acme.loops.InstallScenario.sleepOnLoop(InstallScenario.java:")
                    .contains("on demand: on-demand.json")
                    .contains("after reset: 0");
            JsonNode onDemand = run.report("on-demand.json");
            assertThat(onDemand.get("findings")).hasSize(1);
            assertThat(ReportSchema.errors(onDemand)).isEmpty();
            assertThat(run.report().get("findings")).isEmpty();
            assertThat(Files.list(run.dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }

        @Test
        void explainsThatTheShadedJarIsNeededWhenOnlyTheClassesDirectoryIsThere() throws Exception {
            List<String> cp = new ArrayList<>(ForkedJvm.scenarioClassPath());
            cp.addAll(ForkedJvm.unshadedAgentEntries());
            ForkedJvm.Result run = ForkedJvm.main(InstallScenario.class).withoutAgentFlag().classPath(cp)
                    .run("install-unshaded");
            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(run.stdout).as(run.toString()).contains("install failed: IllegalStateException: the Loopguard"
                    + " agent must run from its"
                    + " shaded jar (loopguard-agent.jar)").contains("instead of agent/target/classes");
        }

        @Test
        void aMalformedSystemPropertyIsTheCallersIllegalArgumentException() throws Exception {
            List<String> cp = new ArrayList<>(ForkedJvm.scenarioClassPath());
            cp.add(ForkedJvm.AGENT_JAR.toString());
            ForkedJvm.Result run = ForkedJvm.main(InstallScenario.class).withoutAgentFlag().classPath(cp)
                    .jvmFlags("-Dloopguard.mode=loud").run("install-malformed");
            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(run.stdout).as(run.toString()).contains(
                    "install failed: IllegalArgumentException: loopguard: mode must be report|throw, was 'loud'");
        }
    }
}
