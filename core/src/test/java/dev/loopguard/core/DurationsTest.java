package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DurationsTest {

    /** The table shared with every other parser of the grammar; each row is a case. */
    static List<Arguments> syntaxCases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = DurationsTest.class.getResourceAsStream("duration-syntax-cases.tsv")) {
            assertThat(in).as("duration-syntax-cases.tsv on the test class path").isNotNull();
            String table = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : table.split("\n", -1)) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                assertThat(tab).as("row '%s' has a tab", line).isPositive();
                cases.add(Arguments.of(line.substring(0, tab), line.substring(tab + 1)));
            }
        }
        assertThat(cases).hasSizeGreaterThan(40);
        return cases;
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @MethodSource("syntaxCases")
    void parsesEveryRowOfTheSharedTable(String input, String expected) {
        if (expected.equals("error")) {
            assertThatThrownBy(() -> Durations.parse(input))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("must ")
                    .hasMessageEndingWith(", was '" + input + "'");
        } else {
            assertThat(Durations.parse(input)).hasToString(expected);
        }
    }

    @Test
    void aMalformedDurationNamesTheAcceptedForms() {
        assertThatThrownBy(() -> Durations.parse("3h30m"))
                .hasMessage("must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was '3h30m'");
        assertThatThrownBy(() -> Durations.parse("10"))
                .hasMessage("must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was '10'");
    }

    @Test
    void aDurationTheClockCannotHoldSaysTheLimit() {
        assertThatThrownBy(() -> Durations.parse("200000d"))
                .hasMessage("must be at most 106751 days (PT2562047H47M16.854775807S, the longest a loop's "
                        + "nanosecond clock holds, about 292 years), was '200000d'");
        assertThatThrownBy(() -> Durations.parse("P1000000D")).hasMessageStartingWith("must be at most 106751 days");
        assertThat(Durations.parse("PT2562047H47M16.854775807S")).isEqualTo(Durations.MAX);
        assertThatThrownBy(() -> Durations.parse("PT2562047H47M16.854775808S"))
                .hasMessageStartingWith("must be at most 106751 days");
    }

    @Test
    void partsOfANanosecondAndNegativeDurationsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> Durations.parse("0.0000001ms"))
                .hasMessage("must be a whole number of nanoseconds (at most 6 decimals of ms, 9 of s), "
                        + "was '0.0000001ms'");
        assertThatThrownBy(() -> Durations.parse("PT-1S")).hasMessage("must not be negative, was 'PT-1S'");
        assertThat(Durations.parse("0.500000000s")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theValueShownInAMessageIsEscapedAndShortened() {
        assertThatThrownBy(() -> Durations.parse("1s\n\u2028x"))
                .hasMessageEndingWith("was '1s\\n\\u2028x'");
        String longInput = "9".repeat(200) + "d";
        assertThatThrownBy(() -> Durations.parse(longInput))
                .hasMessage("must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was '"
                        + "9".repeat(80) + "...'");
    }
}
