package dev.loopguard.examples.greenhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.core.Health;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    @DisplayName("rejects bad arguments with what is wrong and the usage line, exit status 2, no stack trace")
    void badArguments() {
        Output zero = run("--hours", "0");
        assertThat(zero.status).isEqualTo(2);
        assertThat(zero.err).isEqualTo("GreenhouseDemo: --hours must be a whole number from 1 to 8760, was '0'\n"
                + GreenhouseDemo.USAGE + "\n");
        assertThat(zero.out).isEmpty();

        Output unknown = run("--days", "2");
        assertThat(unknown.status).isEqualTo(2);
        assertThat(unknown.err).isEqualTo("GreenhouseDemo: unknown argument '--days'\n" + GreenhouseDemo.USAGE + "\n");

        Output missing = run("--hours");
        assertThat(missing.status).isEqualTo(2);
        assertThat(missing.err).startsWith("GreenhouseDemo: --hours needs a value");
    }

    @Test
    @DisplayName("--help prints the usage line and the options, exit status 0, and runs nothing")
    void help() {
        Output help = run("--real-time", "--help");

        assertThat(help.status).isZero();
        assertThat(help.out).startsWith(GreenhouseDemo.USAGE + "\n\n").contains("--hours N", "--real-time", "--help")
                .doesNotContain("hour  air temperature");
        assertThat(help.err).isEmpty();
    }

    @Test
    @DisplayName("a run on the wall clock prints a progress line every interval while it runs")
    void realTimeShowsProgress() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        GreenhouseDemo.run(Duration.ofSeconds(3), true, Duration.ofSeconds(1), progress);

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line)
                .matches("0:00 of 0:00  air +[0-9.]+ C  heater (on|off)"));
    }

    @Test
    @DisplayName("progress comes about a dozen times a run, at least every minute and at most every hour")
    void progressInterval() {
        assertThat(GreenhouseDemo.progressInterval(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(GreenhouseDemo.progressInterval(Duration.ofHours(24))).isEqualTo(Duration.ofHours(1));
        assertThat(GreenhouseDemo.progressInterval(Duration.ofMinutes(6))).isEqualTo(Duration.ofMinutes(1));
        assertThat(GreenhouseDemo.clockText(Duration.ofMinutes(65))).isEqualTo("1:05");
    }

    @Test
    @DisplayName("main in a forked JVM: a bad argument exits 2 with the usage line and no stack trace")
    void mainExitStatusInAForkedJvm(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GreenhouseDemo.class.getName(), "--hours", "many")
                .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(err)).isEqualTo("GreenhouseDemo: --hours must be a whole number from 1 to "
                + "8760, was 'many'\n" + GreenhouseDemo.USAGE + "\n");
    }

    record Output(int status, String out, String err) {
    }

    private static Output run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GreenhouseDemo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
