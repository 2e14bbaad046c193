package dev.loopguard.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One report for a multi-module build: merges the reports under {@code target/loopguard/} of every module of the
 * reactor and renders them under the root's {@code target/loopguard-aggregate/}. An aggregator goal, run once from
 * the command line after the modules' tests: {@code mvn verify loopguard:report-aggregate}.
 */
@Mojo(name = "report-aggregate", aggregator = true, threadSafe = true)
public class ReportAggregateMojo extends AbstractLoopguardMojo {

    /** Where the merged outputs go. */
    @Parameter(property = "loopguard.aggregateDirectory",
            defaultValue = "${project.build.directory}/loopguard-aggregate")
    File aggregateDirectory;

    /** Whether to append the Markdown to {@code $GITHUB_STEP_SUMMARY} when that variable is set. */
    @Parameter(property = "loopguard.stepSummary", defaultValue = "true")
    boolean stepSummary;

    @Override
    protected void executeUnlessSkipped() throws MojoExecutionException {
        List<String> kinds = ReportInputs.failOn(failOn);
        List<Path> reports = new ArrayList<>();
        for (MavenProject module : session.getProjects()) {
            // Each module's default report directory: a module that moved its own is not seen here.
            File moduleReports = new File(module.getBuild().getDirectory(), "loopguard");
            reports.addAll(ReportInputs.reports(moduleReports));
            ReportInputs.warnAboutMissing(moduleReports, getLog());
        }
        if (reports.isEmpty()) {
            getLog().info("loopguard: no module of this build has a test JVM report under target/loopguard;"
                    + " nothing to aggregate (run the tests first: mvn verify loopguard:report-aggregate)");
            return;
        }
        Rendering.render(reports, kinds, baseline, aggregateDirectory.toPath(), project.getBasedir().toPath(),
                stepSummary, getLog());
    }
}
