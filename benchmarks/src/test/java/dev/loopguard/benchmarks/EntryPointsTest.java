package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every class with a {@code main} in this module answers {@code --help}, and refuses what it does not take with a
 * usage line and exit status 2, never a stack trace. Run in forked JVMs, since the runners end with System.exit.
 */
class EntryPointsTest {


    @ParameterizedTest
    @ValueSource(strings = {"AgentOverheadRun", "StartupCostRun", "TrackingCostSeries", "PendingFutureFootprint"})
    @DisplayName("--help prints the usage line and what the runner does, exit 0")
    void helpPrintsUsage(String runner, @TempDir Path dir) throws Exception {
        Forked run = fork(dir, List.of(), runner, "--help");

        assertThat(run.status).as(run.toString()).isZero();
        assertThat(run.out).startsWith("usage: java [-Dloopguard.<setting>=<value> ...] -cp "
                + "benchmarks/target/benchmarks.jar dev.loopguard.benchmarks." + runner);
        assertThat(run.out.lines().count()).isGreaterThan(3);
        assertThat(run.err).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AgentOverheadRun", "StartupCostRun", "TrackingCostSeries", "PendingFutureFootprint"})
    @DisplayName("an unknown option is refused with a usage line, exit 2, no stack trace")
    void unknownOptionIsAUsageError(String runner, @TempDir Path dir) throws Exception {
        Forked run = fork(dir, List.of(), runner, "--fast");

        assertThat(run.status).as(run.toString()).isEqualTo(2);
        assertThat(run.err.lines().toList()).containsExactly(runner + ": unknown option '--fast'",
                new CommandLine(runner, runner.equals("PendingFutureFootprint") ? "[count]" : "", "").usageLine());
        assertThat(run.out).isEmpty();
    }

    @Test
    @DisplayName("a bad setting or argument names it, with the usage line, exit 2, no stack trace")
    void badSettingsAreUsageErrors(@TempDir Path dir) throws Exception {
        Forked forks = fork(dir, List.of("-Dloopguard.bench.forks=zero"), "AgentOverheadRun");
        assertThat(forks.status).as(forks.toString()).isEqualTo(2);
        assertThat(forks.err).startsWith("AgentOverheadRun: loopguard.bench.forks must be")
                .contains("\nusage: ").doesNotContain("Exception").doesNotContain("\tat ");

        Forked count = fork(dir, List.of(), "PendingFutureFootprint", "12");
        assertThat(count.status).as(count.toString()).isEqualTo(2);
        assertThat(count.err).isEqualTo("PendingFutureFootprint: count must be >= 1000 so that heap noise averages "
                + "out, was 12\n" + PendingFutureFootprint.COMMAND_LINE.usageLine() + "\n");

        Forked extra = fork(dir, List.of(), "StartupCostRun", "now");
        assertThat(extra.status).as(extra.toString()).isEqualTo(2);
        assertThat(extra.err).startsWith("StartupCostRun: takes no arguments (settings are system properties, see "
                + "--help), got [now]\nusage: ");
    }

    @Test
    @DisplayName("screening is the same in-process: help wins, options and extra arguments are refused")
    void screeningInProcess() {
        CommandLine line = new CommandLine("Runner", "[count]", "Does things.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(line.screen(new String[] {"5"}, 1, o, e)).isEqualTo(CommandLine.RUN);
        assertThat(line.screen(new String[] {"-5"}, 1, o, e)).as("a negative number is an argument")
                .isEqualTo(CommandLine.RUN);
        assertThat(line.screen(new String[] {"5", "6"}, 1, o, e)).isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(line.screen(new String[] {"--bogus", "-h"}, 1, o, e)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Runner: takes at most 1 argument(s), got [5, 6]\n"
                + line.usageLine() + "\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(line.usageLine() + "\n\nDoes things.\n");
    }

    record Forked(int status, String out, String err) {
    }

    private static Forked fork(Path dir, List<String> jvmOptions, String runner, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentOverheadRun.PREFIX + runner));
        command.addAll(List.of(args));
        Path out = dir.resolve(runner + "-" + args.length + ".out");
        Path err = dir.resolve(runner + "-" + args.length + ".err");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(runner + " " + List.of(args) + " did not end within 5 minutes");
        }
        return new Forked(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
