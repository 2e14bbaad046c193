package dev.loopguard.maven;

import dev.loopguard.reports.Baseline;
import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fails the build when the test JVMs found anything of the {@code failOn} kinds that the baseline does not list,
 * naming each finding's kind and site. With {@code updateBaseline} it writes every current finding to the baseline
 * instead, and passes.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends AbstractLoopguardMojo {

    /** Writes every current finding to {@code baseline} (replacing it) and passes. */
    @Parameter(property = "loopguard.updateBaseline", defaultValue = "false")
    boolean updateBaseline;

    @Override
    protected void executeUnlessSkipped() throws MojoExecutionException, MojoFailureException {
        List<String> kinds = ReportInputs.failOn(failOn);
        Baseline known = updateBaseline ? null : ReportInputs.baseline(baseline);
        List<Path> reports = ReportInputs.reports(reportDirectory);
        ReportInputs.warnAboutMissing(reportDirectory, getLog());
        if (reports.isEmpty()) {
            nothingToDo("loopguard: no test JVM wrote a report under " + reportDirectory + "; nothing to check");
            return;
        }
        ReportData data = ReportInputs.read(reports, kinds, known);
        if (!data.problems().isEmpty()) {
            StringBuilder m = new StringBuilder("loopguard: ").append(data.problems().size())
                    .append(" test JVM report(s) could not be read, so the check cannot pass:");
            for (InputProblem p : data.problems()) {
                m.append("\n  ").append(p.message());
            }
            throw new MojoFailureException(m.toString());
        }
        if (updateBaseline) {
            try {
                Baseline.write(baseline.toPath(), data.findings());
            } catch (UncheckedIOException e) {
                throw new MojoExecutionException("loopguard: parameter baseline is '" + baseline
                        + "', which cannot be written: " + e.getCause().getMessage(), e);
            }
            getLog().info("loopguard: wrote the baseline " + baseline + " with " + data.findings().size()
                    + " finding(s); commit it, and later builds fail only on findings it does not list");
            return;
        }
        List<MergedFinding> failing = data.failing();
        if (failing.isEmpty()) {
            getLog().info("loopguard: check passed: " + data.findings().size() + " finding(s) from " + reports.size()
                    + " test JVM report(s), none new of " + String.join(",", kinds));
            return;
        }
        throw new MojoFailureException(failure(data, failing, kinds));
    }

    private String failure(ReportData data, List<MergedFinding> failing, List<String> kinds) {
        StringBuilder m = new StringBuilder("loopguard: ").append(failing.size())
                .append(" new finding(s) of failOn kinds ").append(String.join(",", kinds))
                .append(data.baseline().isPresent() ? " not in the baseline " + baseline : "").append(':');
        for (MergedFinding f : failing) {
            m.append("\n  ").append(f.kind()).append(" at ").append(f.location() == null ? "(no frame)" : f.location());
            if (f.operation() != null) {
                m.append(": ").append(f.operation());
            }
            m.append(" (").append(f.count()).append("x");
            if (!f.threads().isEmpty()) {
                m.append(", thread ").append(f.threads().get(0));
            }
            m.append(')');
            if (f.advice() != null) {
                m.append("\n    fix: ").append(f.advice());
            }
        }
        m.append("\nFix them, or, to accept the current findings as known, run with -Dloopguard.updateBaseline and"
                + " commit ").append(baseline.getName()).append('.');
        Path html = reportDirectory.toPath().resolve("loopguard.html");
        if (Files.isRegularFile(html)) {
            m.append(" Details: ").append(html);
        }
        return m.toString();
    }
}
