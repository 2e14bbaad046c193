package dev.loopguard.examples.greenhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loopguard.core.Health;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GreenhouseDemoTest {

    @Test
    @DisplayName("a simulated day: the climate controller reaches 19.5 C quickly, holds 20 C, and rides out a "
            + "sensor dropout")
    void simulatedDay() {
        GreenhouseDemo.Result result = GreenhouseDemo.run(24, false);

        assertThat(result.hourlyTemperature()).hasSize(25);
        assertThat(result.minutesToReachBand()).isLessThanOrEqualTo(20);
        assertThat(result.hourlyTemperature().subList(1, 25)).allSatisfy(t -> assertThat(t).isBetween(19.0, 21.0));
        assertThat(result.heaterSwitches()).isGreaterThan(10);
        // The two-minute disconnect at 3h30 failed some reads; the controller recovered and is healthy again.
        assertThat(result.health().failures()).isGreaterThanOrEqualTo(2);
        assertThat(result.health().consecutiveFailures()).isZero();
        assertThat(result.health().status()).isEqualTo(Health.Status.UP);
        assertThat(result.health().loops().count()).isGreaterThan(2800);
    }

    @Test
    @DisplayName("repeats exactly: the same scenario seed gives the same day")
    void deterministic() {
        GreenhouseDemo.Result first = GreenhouseDemo.run(6, false);
        GreenhouseDemo.Result second = GreenhouseDemo.run(6, false);

        assertThat(second.hourlyTemperature()).isEqualTo(first.hourlyTemperature());
        assertThat(second.heaterSwitches()).isEqualTo(first.heaterSwitches());
    }

    @Test
    @DisplayName("prints an hourly table and the controller's health")
    void printsSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GreenhouseDemo.print(GreenhouseDemo.run(2, false), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).startsWith("hour  air temperature").contains("   2  ").contains("heater switched")
                .contains("controller health: {");
    }

    @Test
    @DisplayName("rejects bad arguments, naming the value and the accepted form")
    void badArguments() {
        assertThatThrownBy(() -> GreenhouseDemo.main(new String[] {"--hours", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--hours must be a whole number from 1 to 8760, was '0'");
        assertThatThrownBy(() -> GreenhouseDemo.main(new String[] {"--days"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown argument '--days'")
                .hasMessageContaining("Usage:");
    }
}
