package dev.loopguard.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.nio.file.Path;
import java.util.List;

/**
 * Merges every report the test JVMs wrote under {@code reportDirectory} and renders it there as HTML, Markdown,
 * JUnit XML and SARIF; appends the Markdown to {@code $GITHUB_STEP_SUMMARY} when that variable is set. Never fails
 * the build on findings: that is {@code check}'s job.
 */
@Mojo(name = "report", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ReportMojo extends AbstractLoopguardMojo {

    /** Whether to append the Markdown to {@code $GITHUB_STEP_SUMMARY} when that variable is set. */
    @Parameter(property = "loopguard.stepSummary", defaultValue = "true")
    boolean stepSummary;

    @Override
    protected void executeUnlessSkipped() throws MojoExecutionException {
        List<String> kinds = ReportInputs.failOn(failOn);
        List<Path> reports = ReportInputs.reports(reportDirectory);
        ReportInputs.warnAboutMissing(reportDirectory, getLog());
        if (reports.isEmpty()) {
            nothingToDo("loopguard: no test JVM wrote a report under " + reportDirectory
                    + " (no tests ran, or prepare-agent did not run before them); nothing to render");
            return;
        }
        Rendering.render(reports, kinds, baseline, reportDirectory.toPath(), project.getBasedir().toPath(),
                stepSummary, getLog());
    }
}
