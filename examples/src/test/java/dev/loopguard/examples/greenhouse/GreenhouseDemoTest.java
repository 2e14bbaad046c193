package dev.loopguard.examples.greenhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loopguard.core.Health;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's command line and what a run prints; the controllers themselves are tested in {@link GreenhouseHilTest}. */
class GreenhouseDemoTest {

    @Test
    @DisplayName("a simulated day: the air reaches its band, every controller ends UP, the DHT22 dropout is an alert "
            + "raised and cleared")
    void simulatedDay() {
        GreenhouseDemo.Result result = GreenhouseDemo.run(Duration.ofHours(24), false, Set.of(),
                Duration.ofHours(1), null);

        assertThat(result.hourlyTemperature()).hasSize(25);
        assertThat(result.minutesToReachBand()).isBetween(10, 25);
        assertThat(result.health()).hasSize(8).allSatisfy((name, health) ->
                assertThat(health.status()).as(name).isEqualTo(Health.Status.UP));
        assertThat(result.health().get("air").failures()).as("the DHT22's two-minute disconnect").isGreaterThan(3);
        assertThat(result.alerts()).extracting(AlertController.Alert::input, AlertController.Alert::raised)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("air", true),
                        org.assertj.core.groups.Tuple.tuple("air", false));
        assertThat(result.delivered()).hasSize(3).last().asString().startsWith("greenhouse controllers stopping");
        assertThat(result.pumpRuns()).isPositive();
    }

    @Test
    @DisplayName("repeats exactly: the same scenario seed gives the same day")
    void deterministic() {
        GreenhouseDemo.Result first = GreenhouseDemo.run(Duration.ofHours(6), false, Set.of(), Duration.ofHours(1),
                null);
        GreenhouseDemo.Result second = GreenhouseDemo.run(Duration.ofHours(6), false, Set.of(), Duration.ofHours(1),
                null);

        assertThat(second.hourlyTemperature()).isEqualTo(first.hourlyTemperature());
        assertThat(second.heaterSwitches()).isEqualTo(first.heaterSwitches());
        assertThat(second.alerts()).isEqualTo(first.alerts());
    }

    @Test
    @DisplayName("prints the climate, the alerts and one aioctl-style status line per controller")
    void printsStatus() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GreenhouseDemo.print(GreenhouseDemo.run(Duration.ofHours(6), false, Set.of(),
                Duration.ofHours(1), null), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(lines.get(0)).matches("greenhouse: 6 h simulated in [0-9.]+ s of real time; bug modes: none");
        assertThat(lines).anyMatch(l -> l.matches("  5:0[12] ALERT: input 'air' has given no value for .*"));
        assertThat(lines.stream().filter(l -> l.startsWith("● ")))
                .extracting(l -> l.split(":")[0])
                .containsExactly("● air-probe", "● air", "● co2", "● soil", "● heater", "● fan", "● watering",
                        "● alerts");
        assertThat(lines).anyMatch(l -> l.matches("● soil: +UP +\\d+ loops, 0 skipped, every 5 min, mean 8.00 ms, .*"));
    }

    @Test
    @DisplayName("--bugs takes mode names separated by commas, all or none; an unknown one is named with the "
            + "accepted ones")
    void bugModes() {
        assertThat(Bug.parse("blocking,stall")).containsExactly(Bug.BLOCKING, Bug.STALL);
        assertThat(Bug.parse("all")).containsExactlyElementsOf(EnumSet.allOf(Bug.class));
        assertThat(Bug.parse("none")).isEmpty();
        assertThat(Bug.format(EnumSet.of(Bug.LOST, Bug.IGNORED))).isEqualTo("lost,ignored");
        assertThatThrownBy(() -> Bug.parse("blocking,slow")).hasMessage("--bugs has 'slow', which is not a bug "
                + "mode; expected bug modes separated by commas from blocking, lost, unhandled, ignored, stall, or "
                + "all or none, was 'blocking,slow'");
        assertThatThrownBy(() -> Bug.parse("blocking,,")).hasMessageStartingWith("--bugs has '', '', which are not");
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

        Output badBug = run("--bugs", "blocking,leaky");
        assertThat(badBug.status).isEqualTo(2);
        assertThat(badBug.err).isEqualTo("GreenhouseDemo: --bugs has 'leaky', which is not a bug mode; expected bug "
                + "modes separated by commas from blocking, lost, unhandled, ignored, stall, or all or none, was "
                + "'blocking,leaky'\n" + GreenhouseDemo.USAGE + "\n");
        assertThat(badBug.out).isEmpty();

        assertThat(run("--bugs").err).startsWith("GreenhouseDemo: --bugs needs a value");
    }

    @Test
    @DisplayName("--help prints the usage line, the options and every bug mode with its finding, and runs nothing")
    void help() {
        Output help = run("--real-time", "--help");

        assertThat(help.status).isZero();
        assertThat(help.out).startsWith(GreenhouseDemo.USAGE + "\n\n").contains("--hours N", "--real-time", "--bugs")
                .contains("blocking", "BLOCKING_CALL", "lost", "LOST_TASK", "unhandled", "UNHANDLED_FAILURE",
                        "ignored", "IGNORED_FUTURE", "stall", "LOOP_STALL")
                .doesNotContain("simulated in");
        assertThat(help.err).isEmpty();
    }

    @Test
    @DisplayName("a run on the wall clock prints a progress line every interval while it runs")
    void realTimeShowsProgress() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        GreenhouseDemo.run(Duration.ofSeconds(3), true, Set.of(), Duration.ofSeconds(1), progress);

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
                "-cp", System.getProperty("java.class.path"), GreenhouseDemo.class.getName(), "--bugs", "stalls")
                .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(err)).isEqualTo("GreenhouseDemo: --bugs has 'stalls', which is not a bug mode; "
                + "expected bug modes separated by commas from blocking, lost, unhandled, ignored, stall, or all or "
                + "none, was 'stalls'\n" + GreenhouseDemo.USAGE + "\n");
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
