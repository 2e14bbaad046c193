package dev.loopguard.reports.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsCommandTest {

    private static final String A = "src/test/resources/fixtures/shard-a.json";
    private static final String B = "src/test/resources/fixtures/shard-b.json";
    private static final String JMH = "src/test/resources/fixtures/jmh-results.json";

    @TempDir
    Path dir;

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = ReportsCommand.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    @DisplayName("merges two shards and JMH results into all four formats; exit 0 with no --fail-on")
    void writesEveryFormat() throws Exception {
        int status = run("--in", A, "--in", B, "--jmh", JMH, "--html", p("r.html"), "--md", p("r.md"),
                "--junit", p("r.xml"), "--sarif", p("r.sarif"));

        assertThat(status).as(err).isZero();
        assertThat(err).isEmpty();
        assertThat(out).contains("wrote " + p("r.html")).contains("7 finding(s) from 2 report(s); passed");
        assertThat(Path.of(p("r.html"))).content().contains("SequentialVsGatheredBenchmark");
        assertThat(Path.of(p("r.md"))).content().contains("The HTML report r.html has every detail").doesNotContain("not shown");
        assertThat(Path.of(p("r.xml"))).content().contains("tests=\"7\"");
        assertThat(Path.of(p("r.sarif"))).content().contains("\"version\":\"2.1.0\"");
    }

    @Test
    @DisplayName("exit 1 when a --fail-on kind is found and not in the baseline; 0 once the baseline lists it")
    void failOnAndBaseline() {
        assertThat(run("--in", A, "--md", p("r.md"), "--fail-on", "BLOCKING_CALL,lost_task",
                "--write-baseline", p("known.json"))).isEqualTo(1);
        assertThat(out).contains("FAILED: 3 new finding(s) of BLOCKING_CALL,LOST_TASK")
                .contains("wrote baseline " + p("known.json") + " (5 fingerprints)");

        assertThat(run("--in", A, "--md", p("r.md"), "--fail-on", "BLOCKING_CALL,LOST_TASK", "--baseline",
                p("known.json"))).isZero();
        assertThat(out).contains("5 known; passed");

        assertThat(run("--in", A, "--in", B, "--md", p("r.md"), "--fail-on", "PINNED_THREAD", "--baseline",
                p("known.json"))).isEqualTo(1);
    }

    @Test
    @DisplayName("a bad input is named with its position; the other is still merged, every output written, exit 2")
    void badInputStillWritesOutputs() throws Exception {
        Path cut = Files.writeString(dir.resolve("cut.json"), Files.readString(Path.of(B)).substring(0, 300));

        int status = run("--in", A, "--in", cut.toString(), "--html", p("r.html"), "--junit", p("r.xml"),
                "--fail-on", "BLOCKING_CALL");

        assertThat(status).isEqualTo(2);
        assertThat(err).contains("Findings report " + cut + " is not valid JSON at line");
        assertThat(Path.of(p("r.html"))).content().contains("Inputs that could not be read")
                .contains("com.acme.greenhouse.Pump.run(Pump.java:41)");
        assertThat(Path.of(p("r.xml"))).content().contains("errors=\"1\"").contains("<error type=\"InvalidReport\"");
        assertThat(out).contains("1 input(s) could not be read");
    }

    @Test
    @DisplayName("usage errors exit 2 naming the option, the value and the accepted form")
    void usageErrors() throws Exception {
        assertThat(run("--in", A)).isEqualTo(2);
        assertThat(err).contains("nothing to write: give at least one of --html, --md, --junit, --sarif or "
                + "--write-baseline").contains("Usage: java -jar loopguard-reports.jar");

        assertThat(run("--in", A, "--md", p("r.md"), "--fail-on", "BLOCKING")).isEqualTo(2);
        assertThat(err).contains("--fail-on BLOCKING: 'BLOCKING' is not a finding kind; expected a comma-separated "
                + "list of BLOCKING_CALL, LOOP_STALL");

        assertThat(run("--in", A, "--md", p("r.md"), "--md-budget", "lots")).isEqualTo(2);
        assertThat(err).contains("--md-budget lots: must be a size of at least 4KiB, such as 900KiB");

        assertThat(run("--in", A, "--html")).isEqualTo(2);
        assertThat(err).contains("option --html needs a value: --html FILE");

        assertThat(run("--in", A, "--htm", p("r.html"))).isEqualTo(2);
        assertThat(err).contains("unknown option '--htm'");

        assertThat(run("--in", A, "--html", dir.toString())).isEqualTo(2);
        assertThat(err).contains("--html " + dir + " exists and is not a regular file (a directory)");

        assertThat(run("--in", A, "--in", "./" + A, "--md", p("r.md"))).isEqualTo(2);
        assertThat(err).contains("--in ./" + A + " is given twice; its findings would be counted twice");

        assertThat(run("--in", A, "--html", p("same"), "--md", p("same"))).isEqualTo(2);
        assertThat(err).contains("the same file is already the output of");
    }

    @Test
    @DisplayName("--help prints every option and exits 0")
    void help() {
        assertThat(run("--help")).isZero();
        for (String option : Arguments.OPTIONS) {
            assertThat(out).contains(option);
        }
        assertThat(out).contains("Exit status: 0 passed; 1 findings of --fail-on kinds not in the baseline; 2");
    }

    @Test
    @DisplayName("--md-budget accepts KiB, MiB and bytes")
    void sizes() throws Exception {
        assertThat(Arguments.size("--md-budget", "900KiB")).isEqualTo(900 * 1024);
        assertThat(Arguments.size("--md-budget", "1MiB")).isEqualTo(1024 * 1024);
        assertThat(Arguments.size("--md-budget", "500000")).isEqualTo(500_000);
    }
}
