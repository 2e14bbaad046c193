package dev.loopguard.agent.internal;

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
    void durationsAcceptMillisecondsSecondsAndMinutes() {
        assertThat(AgentOptions.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(AgentOptions.duration("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(AgentOptions.duration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> AgentOptions.duration("1.5s")).hasMessageContaining("was '1.5s'");
        assertThatThrownBy(() -> AgentOptions.duration("-1ms")).hasMessageContaining("was '-1ms'");
    }

    @Test
    void systemPropertiesAreReadAndTheAgentArgumentWins() {
        Properties p = new Properties();
        p.setProperty("loopguard.mode", "throw");
        p.setProperty("loopguard.report", "from-property.json");
        p.setProperty("loopguard.unrelated", "ignored by the agent");
        AgentOptions o = AgentOptions.parse("report=from-argument.json", p);
        assertThat(o.mode()).isEqualTo(AgentOptions.Mode.THROW);
        assertThat(o.report()).isEqualTo(Path.of("from-argument.json"));
    }

    @Test
    void rejectsMalformedOptionsNamingOptionValueAndForm() {
        assertThatThrownBy(() -> parse("mode=THROW"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loopguard mode must be report|throw, was 'THROW'");
        assertThatThrownBy(() -> parse("failOn=STALL"))
                .hasMessageStartingWith("loopguard failOn item 'STALL' is not a finding kind: expected BLOCKING_CALL,");
        assertThatThrownBy(() -> parse("allow=Cache#load()"))
                .hasMessageContaining("loopguard allow item 'Cache#load()' is malformed");
        assertThatThrownBy(() -> parse("packages=com.acme;"))
                .hasMessageContaining("loopguard packages has an empty item in 'com.acme;'");
        assertThatThrownBy(() -> parse("=x")).hasMessageContaining("'=x' is malformed");
        assertThatThrownBy(() -> parse("stallThreshold=0s")).hasMessage("loopguard stallThreshold must be > 0, was '0s'");
        Properties p = new Properties();
        p.setProperty("loopguard.tasks", "some");
        assertThatThrownBy(() -> AgentOptions.parse(null, p)).hasMessage("loopguard tasks must be off|sampled|full, was 'some'");
    }

    @Test
    void theReportEchoesTheEffectiveOptions() {
        assertThat(parse("stallThreshold=2s,mode=throw").effective())
                .containsEntry("stallThreshold", "2s").containsEntry("mode", "throw").containsEntry("tasks", "sampled")
                .containsKeys("report", "eventLoopThreads", "allow", "packages", "failOn", "ignoredFutures",
                        "controllers", "fireAndForget");
    }
}
