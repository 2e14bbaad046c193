package dev.loopguard.maven;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.util.List;

/** What every goal shares: the skip switch and the directory the test JVMs write their reports to. */
abstract class AbstractLoopguardMojo extends AbstractMojo {

    /** Skips every Loopguard goal. */
    @Parameter(property = "loopguard.skip", defaultValue = "false")
    boolean skip;

    /** Where each test JVM writes {@code loopguard-<pid>.json}, and where {@code report} writes its outputs. */
    @Parameter(property = "loopguard.reportDirectory", defaultValue = "${project.build.directory}/loopguard")
    File reportDirectory;

    /**
     * Kinds that fail {@code check} and show as failing in {@code report}; empty means every kind. Validated by
     * {@code prepare-agent} too, so that a typo fails the build before the tests run rather than after them.
     */
    @Parameter(property = "loopguard.failOn")
    List<String> failOn;

    /** Known findings, which do not fail {@code check}. A missing file means no baseline: every finding is new. */
    @Parameter(property = "loopguard.baseline", defaultValue = "${project.basedir}/loopguard-baseline.json")
    File baseline;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("loopguard: skipped (loopguard.skip)");
            skipped();
            return;
        }
        executeUnlessSkipped();
    }

    protected abstract void executeUnlessSkipped() throws MojoExecutionException, MojoFailureException;

    protected void skipped() {
    }

    /** Says that there is nothing to do; quietly in a {@code pom} module, where no tests run. */
    protected void nothingToDo(String message) {
        if ("pom".equals(project.getPackaging())) {
            getLog().debug(message);
        } else {
            getLog().info(message);
        }
    }
}
