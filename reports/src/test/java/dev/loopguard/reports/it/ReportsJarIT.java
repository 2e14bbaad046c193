package dev.loopguard.reports.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code target/loopguard-reports.jar} with {@code java -jar}, as a CI step would. */
class ReportsJarIT {

    @TempDir
    Path dir;

    private static final Path JAR = Path.of(System.getProperty("loopguard.reports.jar", "target/loopguard-reports.jar"));

    private Result java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        // A guard against a hang, not a timing assertion.
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("java -jar merges shards into every format and prints nothing on stderr (no SLF4J warning)")
    void runsOnItsOwn() throws Exception {
        Result r = java("--in", "src/test/resources/fixtures/shard-a.json", "--in",
                "src/test/resources/fixtures/shard-b.json", "--jmh", "src/test/resources/fixtures/jmh-results.json",
                "--html", dir.resolve("r.html").toString(), "--md", dir.resolve("r.md").toString(), "--junit",
                dir.resolve("r.xml").toString(), "--sarif", dir.resolve("r.sarif").toString(), "--fail-on",
                "LOST_TASK");

        assertThat(r.stderr).isEmpty();
        assertThat(r.status).isEqualTo(1);
        assertThat(r.stdout).contains("FAILED: 1 new finding(s) of LOST_TASK");
        assertThat(dir.resolve("r.html")).isNotEmptyFile();
        assertThat(dir.resolve("r.sarif")).isNotEmptyFile();
    }

    @Test
    @DisplayName("java -jar --help exits 0; a bad option exits 2 with a usage line")
    void helpAndUsage() throws Exception {
        Result help = java("--help");
        assertThat(help.status).isZero();
        assertThat(help.stdout).contains("Usage: java -jar loopguard-reports.jar");

        Result bad = java("--in");
        assertThat(bad.status).isEqualTo(2);
        assertThat(bad.stderr).startsWith("loopguard-reports: option --in needs a value: --in FILE");
    }

    private static final class Result {
        final int status;
        final String stdout;
        final String stderr;

        Result(int status, String stdout, String stderr) {
            this.status = status;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }
}
