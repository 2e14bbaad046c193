package dev.loopguard.maven;

import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.format.FormatOptions;
import dev.loopguard.reports.format.ReportFormatFactory;
import dev.loopguard.reports.format.ReportFormatType;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders merged reports into the four formats, for {@code report} and {@code report-aggregate}. */
final class Rendering {

    private Rendering() {
    }

    static void render(List<Path> reports, List<String> kinds, java.io.File baseline, Path outputDirectory,
                       Path sourceBase, boolean stepSummary, Log log) throws MojoExecutionException {
        ReportData data = ReportInputs.read(reports, kinds, ReportInputs.baseline(baseline));
        for (InputProblem p : data.problems()) {
            log.warn("loopguard: " + p.message());
        }
        FormatOptions options = FormatOptions.defaults().withSourceBase(sourceBase).withHtmlReportName("loopguard.html");
        Map<ReportFormatType, Path> outputs = new LinkedHashMap<>();
        outputs.put(ReportFormatType.HTML, outputDirectory.resolve("loopguard.html"));
        outputs.put(ReportFormatType.MARKDOWN, outputDirectory.resolve("loopguard.md"));
        outputs.put(ReportFormatType.JUNIT_XML, outputDirectory.resolve("TEST-loopguard.xml"));
        outputs.put(ReportFormatType.SARIF, outputDirectory.resolve("loopguard.sarif"));
        for (Map.Entry<ReportFormatType, Path> output : outputs.entrySet()) {
            try {
                ReportFormatFactory.create(output.getKey(), options).write(data, output.getValue());
            } catch (UncheckedIOException e) {
                throw new MojoExecutionException("loopguard: cannot write " + output.getValue() + ": "
                        + e.getCause().getMessage(), e);
            }
        }
        log.info("loopguard: " + data.findings().size() + " finding(s) from " + data.inputs().size()
                + " test JVM report(s); wrote " + outputs.get(ReportFormatType.HTML)
                + " (and loopguard.md, loopguard.sarif, TEST-loopguard.xml)");
        if (stepSummary) {
            appendStepSummary(outputs.get(ReportFormatType.MARKDOWN), log);
        }
    }

    private static void appendStepSummary(Path markdown, Log log) throws MojoExecutionException {
        String summary = System.getenv("GITHUB_STEP_SUMMARY");
        if (summary == null || summary.isBlank()) {
            return;
        }
        try {
            byte[] content = Files.readAllBytes(markdown);
            Files.write(Path.of(summary), content, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.write(Path.of(summary), new byte[] {'\n'}, StandardOpenOption.APPEND);
            log.info("loopguard: appended the Markdown report to $GITHUB_STEP_SUMMARY (" + summary + ")");
        } catch (IOException e) {
            throw new MojoExecutionException("loopguard: cannot append the Markdown report to $GITHUB_STEP_SUMMARY ("
                    + summary + "): " + e, e);
        }
    }
}
