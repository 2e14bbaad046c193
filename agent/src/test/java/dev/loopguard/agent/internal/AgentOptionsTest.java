package dev.loopguard.agent.internal;

import dev.loopguard.agent.internal.loops.StallWatchdog;
import dev.loopguard.agent.FindingKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentOptionsTest {

    private static AgentOptions parse(String argument) {
        return AgentOptions.parse(argument, new Properties());
    }

    @Test
    void defaultsAreDocumented() {
        AgentOptions o = parse(null);
        assertThat(o.report()).isEqualTo(Path.of("loopguard-report.json"));
        assertThat(o.stallThreshold()).isEqualTo(Duration.ofMillis(100));
        assertThat(o.mode()).isEqualTo(AgentOptions.Mode.REPORT);
        assertThat(o.tasks()).isEqualTo(AgentOptions.Tasks.SAMPLED);
        assertThat(o.ignoredFutures()).isEqualTo(AgentOptions.IgnoredFutures.DEFAULT);
        assertThat(o.eventLoopThreads()).isEmpty();
        assertThat(o.allow()).isEmpty();
        assertThat(o.packages()).isEmpty();
        assertThat(o.failOn()).isEmpty();
        assertThat(o.controllers()).isEmpty();
        assertThat(o.fireAndForget()).isEmpty();
    }

    @Test
    void parsesEveryOptionWithListsSeparatedBySemicolons() {
        AgentOptions o = parse("report=build/lg.json,eventLoopThreads=io-*;worker-?,allow=com.acme.Cache#load;a.B$C#*,"
                + "packages=com.acme;org.example.,stallThreshold=2s,failOn=BLOCKING_CALL;LOOP_STALL,mode=throw,"
                + "tasks=full,ignoredFutures=strict,controllers=com.acme.Pump,fireAndForget=com.acme.Repo#save");
        assertThat(o.report()).isEqualTo(Path.of("build/lg.json"));
        assertThat(o.eventLoopThreads()).containsExactly("io-*", "worker-?");
        assertThat(o.allow()).extracting(Object::toString).containsExactly("com.acme.Cache#load", "a.B$C#*");
        assertThat(o.allow().get(1).matches("a.B$C", "anything")).isTrue();
        assertThat(o.allow().get(0).matches("com.acme.Cache", "store")).isFalse();
        assertThat(o.packages()).containsExactly("com.acme", "org.example.");
        assertThat(o.stallThreshold()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.failOn()).containsExactlyInAnyOrder(FindingKind.BLOCKING_CALL, FindingKind.LOOP_STALL);
        assertThat(o.mode()).isEqualTo(AgentOptions.Mode.THROW);
        assertThat(o.tasks()).isEqualTo(AgentOptions.Tasks.FULL);
        assertThat(o.ignoredFutures()).isEqualTo(AgentOptions.IgnoredFutures.STRICT);
        assertThat(o.controllers()).containsExactly("com.acme.Pump");
        assertThat(o.fireAndForget()).extracting(Object::toString).containsExactly("com.acme.Repo#save");
    }

    @Test
    void durationsFollowTheToolkitsGrammar() {
        assertThat(AgentOptions.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(AgentOptions.duration("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(AgentOptions.duration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(AgentOptions.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(AgentOptions.duration("PT0.25S")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> AgentOptions.duration("-1ms")).hasMessage(
                "stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was '-1ms'");
    }

    @Test
    void aDurationTooLongToCountInNanosecondsIsAnOptionErrorNotAnOverflowLater() {
        assertThatThrownBy(() -> parse("stallThreshold=999999999m")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M,"
                        + " was '999999999m': longer than 106751d");
        assertThatThrownBy(() -> parse("stallThreshold=200000000m")).isInstanceOf(IllegalArgumentException.class);
        assertThat(parse("stallThreshold=106751d").stallThreshold().toNanos()).isPositive();
    }

    @Test
    void theLongestAcceptedStallThresholdStartsTheWatchdogWithoutOverflow() {
        AgentRuntime runtime = new AgentRuntime(parse("stallThreshold=106751d"),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        StallWatchdog watchdog = new StallWatchdog(new RuntimeDetectorContext(runtime),
                runtime.options().stallThreshold(), new AgentStartupWork());
        watchdog.tick(System.nanoTime());
        assertThat(runtime.options().stallThreshold().toDays()).isEqualTo(106751);
    }

    @Test
    void anEmptyOptionSaysSoInsteadOfNamingAnEmptyKey() {
        assertThatThrownBy(() -> parse("report=a.json,")).hasMessage("the agent argument 'report=a.json,' has an empty"
                + " option (a leading, trailing or doubled ','): expected key=value pairs separated by ',' (for example"
                + " report=out.json,mode=throw)");
        assertThatThrownBy(() -> parse("mode=throw,,tasks=off")).hasMessageContaining("has an empty option");
    }

    @Test
    void anUnknownOptionSuggestsTheNearestKnownOne() {
        assertThatThrownBy(() -> parse("stalThreshold=2s")).hasMessage("unknown agent option 'stalThreshold' (value"
                + " '2s'), did you mean stallThreshold?: expected one of " + String.join(", ", AgentOptions.KEYS));
        assertThatThrownBy(() -> parse("colour=red")).hasMessageStartingWith("unknown agent option 'colour' (value"
                + " 'red'): expected one of report,");
    }

    @Test
    void anUnknownLoopguardSystemPropertyIsAnErrorLikeAnUnknownOption() {
        Properties p = new Properties();
        p.setProperty("loopguard.stalThreshold", "2s");
        assertThatThrownBy(() -> AgentOptions.parse(null, p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown system property loopguard.stalThreshold (value '2s'), did you mean"
                        + " loopguard.stallThreshold?: agent options as system properties are loopguard.<option>");
        Properties unrelated = new Properties();
        unrelated.setProperty("loopguard.colour", "red");
        assertThatThrownBy(() -> AgentOptions.parse(null, unrelated))
                .hasMessageStartingWith("unknown system property loopguard.colour (value 'red'): agent options");
    }

    @Test
    void theToolkitsOwnLoopguardPropertiesAreNotOptionsAndAreAccepted() {
        Properties p = new Properties();
        // The benchmark runners, the integration tests and the start-up cost runner pass these to JVMs that run the
        // agent; none of them is an agent option.
        p.setProperty("loopguard.agentJar", "agent/target/loopguard-agent.jar");
        p.setProperty("loopguard.bench.forks", "1");
        p.setProperty("loopguard.it.workDir", "target/it-runs");
        p.setProperty("loopguard.startup.runs", "11");
        p.setProperty("loopguard.series.rounds", "20");
        p.setProperty("loopguard.footprint.verbose", "true");
        p.setProperty("loopguard.test.durationCases", "cases.tsv");
        assertThat(AgentOptions.parse(null, p).mode()).isEqualTo(AgentOptions.Mode.REPORT);
    }

    @Test
    void systemPropertiesAreReadAndTheAgentArgumentWins() {
        Properties p = new Properties();
        p.setProperty("loopguard.mode", "throw");
        p.setProperty("loopguard.report", "from-property.json");
        p.setProperty("unrelated.property", "ignored by the agent");
        AgentOptions o = AgentOptions.parse("report=from-argument.json", p);
        assertThat(o.mode()).isEqualTo(AgentOptions.Mode.THROW);
        assertThat(o.report()).isEqualTo(Path.of("from-argument.json"));
    }

    @Test
    void rejectsMalformedOptionsNamingOptionValueAndForm() {
        assertThatThrownBy(() -> parse("mode=THROW"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mode must be report|throw, was 'THROW'");
        assertThatThrownBy(() -> parse("failOn=STALL"))
                .hasMessageStartingWith("failOn item 'STALL' is not a finding kind: expected BLOCKING_CALL,");
        assertThatThrownBy(() -> parse("allow=Cache#load()"))
                .hasMessageContaining("allow item 'Cache#load()' is malformed");
        assertThatThrownBy(() -> parse("packages=com.acme;"))
                .hasMessageContaining("packages has an empty item in 'com.acme;'");
        assertThatThrownBy(() -> parse("=x")).hasMessageContaining("'=x' is malformed");
        assertThatThrownBy(() -> parse("stallThreshold=0s")).hasMessage("stallThreshold must be greater than 0, was '0s'");
        Properties p = new Properties();
        p.setProperty("loopguard.tasks", "some");
        assertThatThrownBy(() -> AgentOptions.parse(null, p)).hasMessage("tasks must be off|sampled|full, was 'some'");
    }

    @Test
    void theReportEchoesTheEffectiveOptions() {
        assertThat(parse("stallThreshold=2s,mode=throw").effective())
                .containsEntry("stallThreshold", "2s").containsEntry("mode", "throw").containsEntry("tasks", "sampled")
                .containsKeys("report", "eventLoopThreads", "allow", "packages", "failOn", "ignoredFutures",
                        "controllers", "fireAndForget");
    }

    @Test
    void percentPInTheReportPathIsTheProcessIdAndDoublePercentALiteralPercent() {
        assertThat(AgentOptions.expandReportPlaceholders("target/loopguard/report-%p.json", 4242))
                .isEqualTo("target/loopguard/report-4242.json");
        assertThat(AgentOptions.expandReportPlaceholders("100%%-%p.json", 7)).isEqualTo("100%-7.json");
        assertThat(AgentOptions.expandReportPlaceholders("plain.json", 7)).isEqualTo("plain.json");
        assertThat(parse("report=r-%p.json").report())
                .isEqualTo(Path.of("r-" + ProcessHandle.current().pid() + ".json"));
    }

    @Test
    void anyOtherPercentInTheReportPathIsRejectedNamingTheAcceptedForm() {
        assertThatThrownBy(() -> parse("report=r-%d.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("report 'r-%d.json' has an unknown placeholder '%d' at position 2: expected %p (the process"
                        + " id, for example target/loopguard/report-%p.json) or %% for a literal %");
        assertThatThrownBy(() -> parse("report=r-%"))
                .hasMessageContaining("unknown placeholder '%' at position 2");
    }
}
