package dev.loopguard.maven;

import dev.loopguard.agent.internal.AgentOptions;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Puts the Loopguard agent into every test JVM: prepends {@code -javaagent:<agent jar>=<options>} to the
 * {@code argLine} property (or the one named by {@code propertyName}), keeping what was there, so that Surefire and
 * Failsafe start each fork with it. Each fork writes its own report, {@code reportDirectory/loopguard-<pid>.json}.
 */
@Mojo(name = "prepare-agent", defaultPhase = LifecyclePhase.INITIALIZE, requiresDependencyResolution = ResolutionScope.NONE,
        threadSafe = true)
public class PrepareAgentMojo extends AbstractLoopguardMojo {

    static final String AGENT_KEY = "dev.loopguard:loopguard-agent";

    /** The property that receives the agent argument: Surefire's and Failsafe's {@code argLine} by default. */
    @Parameter(property = "loopguard.propertyName", defaultValue = "argLine")
    String propertyName;

    /** Thread-name patterns ({@code *} matches any run of characters) to treat as event loops. */
    @Parameter(property = "loopguard.eventLoopThreads")
    List<String> eventLoopThreads;

    /** {@code CLASS#METHOD} ({@code METHOD} may be {@code *}) in which blocking calls are allowed. */
    @Parameter(property = "loopguard.allow")
    List<String> allow;

    /** Your application's package prefixes: where a finding's site is looked for. */
    @Parameter(property = "loopguard.packages")
    List<String> packages;

    /** How long one task may keep a loop busy before it is a LOOP_STALL ({@code 100ms}, {@code 2s}). */
    @Parameter(property = "loopguard.stallThreshold")
    String stallThreshold;

    /** {@code report} or {@code throw}. */
    @Parameter(property = "loopguard.mode")
    String mode;

    /** {@code off}, {@code sampled} or {@code full}. */
    @Parameter(property = "loopguard.tasks")
    String tasks;

    /** {@code default} or {@code strict}. */
    @Parameter(property = "loopguard.ignoredFutures")
    String ignoredFutures;

    /** Extra classes profiled as controllers. */
    @Parameter(property = "loopguard.controllers")
    List<String> controllers;

    /** {@code CLASS#METHOD} whose returned future may be dropped. */
    @Parameter(property = "loopguard.fireAndForget")
    List<String> fireAndForget;

    /** With it, {@code check} replaces the baseline instead of reading it. */
    @Parameter(property = "loopguard.updateBaseline", defaultValue = "false")
    boolean updateBaseline;

    @Parameter(defaultValue = "${plugin.artifactMap}", readonly = true, required = true)
    Map<String, Artifact> pluginArtifactMap;

    @Override
    protected void executeUnlessSkipped() throws MojoExecutionException {
        String options = agentOptions();
        ReportInputs.failOn(failOn);
        if (!updateBaseline) {
            ReportInputs.baseline(baseline);
        }
        File agentJar = agentJar();
        clearOldReports();
        Properties properties = project.getProperties();
        String previous = session.getUserProperties().getProperty(propertyName, properties.getProperty(propertyName));
        String value = ArgLine.prepend(previous, agentJar.getAbsolutePath(), options);
        properties.setProperty(propertyName, value);
        getLog().info("loopguard: " + propertyName + " set to " + value);
    }

    @Override
    protected void skipped() {
        // An empty-safe value, so that an argLine of "@{argLine} -Xmx1g" still works when the plugin is skipped.
        Properties properties = project.getProperties();
        String name = propertyName == null ? "argLine" : propertyName;
        if (properties.getProperty(name) == null && session.getUserProperties().getProperty(name) == null) {
            properties.setProperty(name, "");
        }
    }

    /** The agent argument, validated by the agent's own parser so that a bad option fails here, not in every fork. */
    String agentOptions() throws MojoExecutionException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("report", reportDirectory.toPath().toAbsolutePath().resolve("loopguard-%p.json").toString());
        putList(values, "eventLoopThreads", eventLoopThreads);
        putList(values, "allow", allow);
        putList(values, "packages", packages);
        putValue(values, "stallThreshold", stallThreshold);
        putValue(values, "mode", mode);
        putValue(values, "tasks", tasks);
        putValue(values, "ignoredFutures", ignoredFutures);
        putList(values, "controllers", controllers);
        putList(values, "fireAndForget", fireAndForget);
        StringBuilder argument = new StringBuilder();
        for (Map.Entry<String, String> e : values.entrySet()) {
            argument.append(argument.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        try {
            AgentOptions.parse(argument.toString(), new Properties());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("loopguard: invalid parameter of prepare-agent: " + e.getMessage(), e);
        }
        return argument.toString();
    }

    private static void putValue(Map<String, String> values, String parameter, String value)
            throws MojoExecutionException {
        if (value == null) {
            return;
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.contains(",")) {
            throw new MojoExecutionException("loopguard: parameter " + parameter + " is '" + value + "': expected one "
                    + "non-empty value without ',' (see the accepted form in docs/agent.md, Options)");
        }
        values.put(parameter, trimmed);
    }

    private static void putList(Map<String, String> values, String parameter, List<String> items)
            throws MojoExecutionException {
        if (items == null || items.isEmpty()) {
            return;
        }
        List<String> trimmed = new ArrayList<>();
        for (String item : items) {
            String t = item == null ? "" : item.trim();
            if (t.isEmpty() || t.contains(",") || t.contains(";")) {
                throw new MojoExecutionException("loopguard: parameter " + parameter + " has the item '" + item
                        + "': expected one non-empty item per element, without ',' or ';' (for example <"
                        + parameter + "><item>...</item></" + parameter + ">)");
            }
            trimmed.add(t);
        }
        values.put(parameter, String.join(";", trimmed));
    }

    /** The agent jar of this plugin's own version, resolved as one of the plugin's dependencies. */
    File agentJar() throws MojoExecutionException {
        Artifact agent = pluginArtifactMap == null ? null : pluginArtifactMap.get(AGENT_KEY);
        if (agent == null || agent.getFile() == null || !agent.getFile().isFile()) {
            throw new MojoExecutionException("loopguard: the agent jar " + AGENT_KEY + " was not resolved with the"
                    + " plugin (found " + (agent == null ? "nothing" : agent.getFile()) + "); it is a dependency of"
                    + " loopguard-maven-plugin and must not be excluded");
        }
        return agent.getFile();
    }

    /** Reports of an earlier build would be merged as this one's without a clean: remove them first. */
    private void clearOldReports() throws MojoExecutionException {
        Path dir = reportDirectory.toPath();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, ReportInputs.REPORT_GLOB);
             DirectoryStream<Path> markers = Files.newDirectoryStream(dir, ReportInputs.MARKER_GLOB)) {
            for (Path p : old) {
                Files.delete(p);
            }
            for (Path p : markers) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("loopguard: cannot remove the earlier reports in " + dir + ": " + e, e);
        }
    }
}
