package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Opens the HTML report in headless Chromium (Debian package {@code chromium}), as a person would: no console errors
 * (the page's Content-Security-Policy turns any external resource into one), every finding's site in the rendered
 * page, and screenshots and a PDF under {@code target/chromium/} to look at. In CI ({@code CI=true}) a missing
 * Chromium fails the test; {@code .ci/run} installs it.
 */
class HtmlInChromiumTest {

    private static final Path OUT = Path.of("target/chromium");
    private static String browser;

    @BeforeAll
    static void findChromium() throws IOException {
        browser = which("chromium", "chromium-browser", "google-chrome");
        if (browser == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("Chromium is not installed, and CI=true: the HTML report must be checked in a browser in CI. "
                        + "Install the Debian package: apt-get install -y chromium (.ci/run does this)");
            }
            Assumptions.abort("Chromium is not installed (apt-get install -y chromium); CI runs this test");
        }
        Files.createDirectories(OUT);
    }

    @Test
    @DisplayName("the report opens in Chromium with no console error and shows every site")
    void opensCleanlyAndShowsTheSites() throws Exception {
        ReportData data = Fixtures.twoShards();
        Path page = OUT.resolve("report.html");
        ReportFormatFactory.create(ReportFormatType.HTML, Fixtures.options()).write(data, page);

        Run run = chromium("dump", "--dump-dom", page);

        assertThat(run.consoleMessages()).as("console messages of %s", page).isEmpty();
        assertThat(run.stdout).contains("<h1>Loopguard report</h1>").contains("<svg class=\"chart\"");
        for (MergedFinding f : data.findings()) {
            assertThat(run.stdout).as("the rendered page shows %s", f.location())
                    .contains("<code class=\"site\">" + f.location() + "</code>");
        }
        chromium("laptop", "--screenshot=" + OUT.resolve("report-laptop.png").toAbsolutePath(), page,
                "--window-size=1366,768");
        chromium("full", "--screenshot=" + OUT.resolve("report-full.png").toAbsolutePath(), page,
                "--window-size=1366,7000");
        chromium("print", "--print-to-pdf=" + OUT.resolve("report.pdf").toAbsolutePath(), page,
                "--no-pdf-header-footer");
        assertThat(OUT.resolve("report-laptop.png")).isNotEmptyFile();
        assertThat(OUT.resolve("report.pdf")).isNotEmptyFile();
    }

    @Test
    @DisplayName("the console check sees an error: a page that loads an external image under the same policy")
    void consoleCheckCatchesAnExternalResource() throws Exception {
        Path page = OUT.resolve("external-image.html");
        String html = Files.readString(writeReport(), StandardCharsets.UTF_8);
        Files.writeString(page, html.replace("<main>", "<main><img src=\"https://example.invalid/logo.png\" alt=\"\">"),
                StandardCharsets.UTF_8);

        Run run = chromium("external", "--dump-dom", page);

        assertThat(run.consoleMessages()).anySatisfy(m -> assertThat(m).contains("example.invalid"));
    }

    private static Path writeReport() {
        Path page = OUT.resolve("base.html");
        ReportFormatFactory.create(ReportFormatType.HTML, Fixtures.options()).write(Fixtures.twoShards(), page);
        return page;
    }

    private static Run chromium(String name, String mode, Path page, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
                "--user-data-dir=" + OUT.resolve("profile-" + name).toAbsolutePath(), mode));
        command.addAll(List.of(extra));
        command.add(page.toAbsolutePath().toUri().toString());
        Path stdout = OUT.resolve(name + ".out");
        Path stderr = OUT.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        // A guard against a hung browser, not a timing assertion.
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("Chromium did not finish within 180 s: " + String.join(" ", command));
        }
        assertThat(process.exitValue()).as("Chromium's exit status; stderr in %s", stderr).isZero();
        return new Run(Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readAllLines(stderr, StandardCharsets.UTF_8));
    }

    private static String which(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    private static final class Run {
        final String stdout;
        final List<String> stderr;

        Run(String stdout, List<String> stderr) {
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** What the page logged to the console, at any level: Chromium writes it as {@code :CONSOLE} lines. */
        List<String> consoleMessages() {
            return stderr.stream().filter(l -> l.contains(":CONSOLE")).collect(Collectors.toList());
        }
    }
}
