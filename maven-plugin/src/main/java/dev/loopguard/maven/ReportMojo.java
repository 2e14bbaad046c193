package dev.loopguard.maven;

import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.format.FormatOptions;
import dev.loopguard.reports.format.ReportFormatFactory;
import dev.loopguard.reports.format.ReportFormatType;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges every report the test JVMs wrote under {@code reportDirectory} and renders it there as HTML, Markdown,
 * JUnit XML and SARIF; appends the Markdown to {@code $GITHUB_STEP_SUMMARY} when that variable is set. Never fails
 * the build on findings: that is {@code check}'s job.
 */
@Mojo(name = "report", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ReportMojo extends AbstractLoopguardMojo {

    @Override
    protected void executeUnlessSkipped() throws MojoExecutionException {
        List<String> kinds = ReportInputs.failOn(failOn);
        List<Path> reports = ReportInputs.reports(reportDirectory);
        if (reports.isEmpty()) {
            getLog().info("loopguard: no test JVM wrote a report under " + reportDirectory
                    + " (no tests ran, or prepare-agent did not run before them); nothing to render");
            return;
        }
        ReportData data = ReportInputs.read(reports, kinds, ReportInputs.baseline(baseline));
        for (InputProblem p : data.problems()) {
            getLog().warn("loopguard: " + p.message());
        }
        FormatOptions options = FormatOptions.defaults().withSourceBase(project.getBasedir().toPath());
        Map<ReportFormatType, Path> outputs = new LinkedHashMap<>();
        Path dir = reportDirectory.toPath();
        outputs.put(ReportFormatType.HTML, dir.resolve("loopguard.html"));
        outputs.put(ReportFormatType.MARKDOWN, dir.resolve("loopguard.md"));
        outputs.put(ReportFormatType.JUNIT_XML, dir.resolve("TEST-loopguard.xml"));
        outputs.put(ReportFormatType.SARIF, dir.resolve("loopguard.sarif"));
        for (Map.Entry<ReportFormatType, Path> output : outputs.entrySet()) {
            try {
                ReportFormatFactory.create(output.getKey(), options).write(data, output.getValue());
            } catch (UncheckedIOException e) {
                throw new MojoExecutionException("loopguard: cannot write " + output.getValue() + ": "
                        + e.getCause().getMessage(), e);
            }
        }
        getLog().info("loopguard: " + data.findings().size() + " finding(s) from " + data.inputs().size()
                + " test JVM report(s); wrote " + outputs.get(ReportFormatType.HTML) + " (and .md, .sarif, TEST-loopguard.xml)");
        appendStepSummary(outputs.get(ReportFormatType.MARKDOWN));
    }

    private void appendStepSummary(Path markdown) throws MojoExecutionException {
        String summary = System.getenv("GITHUB_STEP_SUMMARY");
        if (summary == null || summary.isBlank()) {
            return;
        }
        try {
            byte[] content = Files.readAllBytes(markdown);
            Files.write(Path.of(summary), content, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.write(Path.of(summary), new byte[] {'\n'}, StandardOpenOption.APPEND);
            getLog().info("loopguard: appended the Markdown report to $GITHUB_STEP_SUMMARY (" + summary + ")");
        } catch (IOException e) {
            throw new MojoExecutionException("loopguard: cannot append the Markdown report to $GITHUB_STEP_SUMMARY ("
                    + summary + "): " + e, e);
        }
    }
}
