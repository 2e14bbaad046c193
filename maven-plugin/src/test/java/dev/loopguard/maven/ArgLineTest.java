package dev.loopguard.maven;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ArgLineTest {

    @Test
    void prependsTheAgentAndKeepsWhatWasThere() {
        assertThat(ArgLine.prepend("-javaagent:/m2/jacoco.jar=destfile=x -Xmx1g", "/m2/loopguard-agent.jar", "report=r"))
                .isEqualTo("-javaagent:/m2/loopguard-agent.jar=report=r -javaagent:/m2/jacoco.jar=destfile=x -Xmx1g");
    }

    @Test
    void anEmptyOrMissingArgLineGivesOnlyTheAgent() {
        assertThat(ArgLine.prepend(null, "/a.jar", "report=r")).isEqualTo("-javaagent:/a.jar=report=r");
        assertThat(ArgLine.prepend("  ", "/a.jar", "report=r")).isEqualTo("-javaagent:/a.jar=report=r");
    }

    @Test
    void runningTwiceReplacesTheEarlierArgumentForTheSameJarInsteadOfAddingASecondAgent() {
        String once = ArgLine.prepend("-Xmx1g", "/a.jar", "report=r1");
        assertThat(ArgLine.prepend(once, "/a.jar", "report=r2")).isEqualTo("-javaagent:/a.jar=report=r2 -Xmx1g");
    }

    @Test
    void anArgumentWithSpacesIsQuotedAndQuotedTokensStayWhole() {
        String line = ArgLine.prepend("\"-Dname=a b\" -ea", "/my dir/a.jar", "report=/my dir/r.json");
        assertThat(line).isEqualTo("\"-javaagent:/my dir/a.jar=report=/my dir/r.json\" \"-Dname=a b\" -ea");
        assertThat(ArgLine.prepend(line, "/my dir/a.jar", "report=x"))
                .isEqualTo("\"-javaagent:/my dir/a.jar=report=x\" \"-Dname=a b\" -ea");
    }
}
