package dev.loopguard.agent.internal;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent's copy of the toolkit's duration grammar, against every row of core's table of cases. */
class DurationSyntaxTest {

    private static Path cases() {
        String path = System.getProperty("loopguard.test.durationCases");
        assertThat(path).as("system property loopguard.test.durationCases (set by the agent's surefire configuration)")
                .isNotNull();
        return Path.of(path);
    }

    @TestFactory
    List<DynamicTest> parsesEveryRowOfTheToolkitsTableOfDurationCases() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(cases(), StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int tab = line.lastIndexOf('\t');
            String input = line.substring(0, tab);
            String expected = line.substring(tab + 1);
            tests.add(DynamicTest.dynamicTest("'" + input + "' -> " + expected, () -> {
                if ("error".equals(expected)) {
                    assertThatThrownBy(() -> DurationSyntax.parse("stallThreshold", input))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageStartingWith("stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d"
                                    + " or PT10M, was '" + input + "'");
                } else {
                    assertThat(DurationSyntax.parse("stallThreshold", input)).hasToString(expected);
                }
            }));
        }
        assertThat(tests).as("cases in " + cases()).hasSizeGreaterThan(20);
        return tests;
    }

    @Test
    void saysWhyAValueOfTheRightFormIsRejected() {
        assertThatThrownBy(() -> DurationSyntax.parse("stallThreshold", "999999999m"))
                .hasMessage("stallThreshold must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was"
                        + " '999999999m': longer than 106751d, the longest duration the agent can count in nanoseconds");
        assertThatThrownBy(() -> DurationSyntax.parse("stallThreshold", "0.0000001ms"))
                .hasMessageEndingWith("was '0.0000001ms': it is not a whole number of nanoseconds");
        assertThatThrownBy(() -> DurationSyntax.parse("stallThreshold", "PT-1S"))
                .hasMessageEndingWith("was 'PT-1S': it is negative");
    }

    @Test
    void theLongestDurationFitsInNanoseconds() {
        Duration longest = DurationSyntax.parse("stallThreshold", "106751d");
        assertThat(longest.toNanos()).isPositive();
    }
}
