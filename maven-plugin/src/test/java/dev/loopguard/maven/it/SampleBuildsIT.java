package dev.loopguard.maven.it;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Maven builds of the sample projects under {@code src/it}, run as a user would run them, with the plugin of
 * this build installed into a local repository under {@code target/} (by maven-invoker-plugin's {@code install}).
 */
@DisplayName("Sample builds with the plugin")
class SampleBuildsIT {
    private static final Path MAVEN_HOME = Path.of(required("loopguard.it.mavenHome"));
    private static final Path LOCAL_REPOSITORY = Path.of(required("loopguard.it.localRepository"));
    private static final Path USER_REPOSITORY = Path.of(required("loopguard.it.userRepository"));
    private static final Path SAMPLES = Path.of(required("loopguard.it.samples"));
    private static final Path WORK_DIR = Path.of(required("loopguard.it.workDir"));
    private static final String SITE = "com.acme.LoopTest.readFromDisk(LoopTest.java:";
    private static final String SECOND_SITE = "com.acme.LoopTest.waitForReply(LoopTest.java:";

    @Test
    void aTestThatBlocksAnEventLoopFailsTheBuildAtCheckNamingTheSite() throws Exception {
        Path project = sample("loop-test", "blocking");
        Path summary = project.resolve("step-summary.md");
        Build build = mvn(project, List.of("GITHUB_STEP_SUMMARY=" + summary), "verify");
        assertThat(build.exitCode).as(build.toString()).isNotZero();
        assertThat(build.log).contains("loopguard-maven-plugin:" + required("loopguard.it.pluginVersion") + ":check")
                .contains("loopguard: 1 new finding(s) of failOn kinds BLOCKING_CALL:")
                .contains("BLOCKING_CALL at " + SITE)
                .contains("java.lang.Thread.sleep").contains("thread acme-loop-1");
        Path reports = project.resolve("target/loopguard");
        assertThat(reports.resolve("loopguard.html")).isRegularFile();
        assertThat(reports.resolve("loopguard.sarif")).content().contains("LoopTest.java");
        assertThat(reports.resolve("TEST-loopguard.xml")).content().contains("<testsuite");
        assertThat(reports.resolve("loopguard.md")).content().contains("BLOCKING_CALL");
        assertThat(summary).as("the Markdown is appended to $GITHUB_STEP_SUMMARY")
                .hasContent(Files.readString(reports.resolve("loopguard.md")) + "\n");
    }

    @Test
    void theSameProjectWithTheBlockingCallMovedOffTheLoopPasses() throws Exception {
        Path project = sample("loop-test", "fixed");
        Build build = mvn(project, List.of(), "verify", "-Dacme.mode=fixed");
        assertThat(build.exitCode).as(build.toString()).isZero();
        assertThat(build.log).contains("loopguard: check passed: 0 finding(s) from 1 test JVM report(s)");
    }

    @Test
    void loopguardSkipSkipsEveryGoalAndTheBuildPasses() throws Exception {
        Path project = sample("loop-test", "skip");
        Build build = mvn(project, List.of(), "verify", "-Dloopguard.skip");
        assertThat(build.exitCode).as(build.toString()).isZero();
        assertThat(build.log).contains("loopguard: skipped (loopguard.skip)").doesNotContain("-javaagent:");
        assertThat(project.resolve("target/loopguard")).doesNotExist();
    }

    @Test
    void aBaselineLetsTheKnownFindingPassAndANewOneFail() throws Exception {
        Path project = sample("loop-test", "baseline");
        Build write = mvn(project, List.of(), "verify", "-Dloopguard.updateBaseline");
        assertThat(write.exitCode).as(write.toString()).isZero();
        assertThat(write.log).contains("loopguard: wrote the baseline " + project.resolve("loopguard-baseline.json"));
        assertThat(project.resolve("loopguard-baseline.json")).content().contains("com.acme.LoopTest.readFromDisk");

        Build known = mvn(project, List.of(), "verify");
        assertThat(known.exitCode).as(known.toString()).isZero();
        assertThat(known.log).contains("loopguard: check passed: 1 finding(s)");

        Build added = mvn(project, List.of(), "verify", "-Dacme.mode=block-twice");
        assertThat(added.exitCode).as(added.toString()).isNotZero();
        assertThat(added.log).contains("loopguard: 1 new finding(s) of failOn kinds BLOCKING_CALL not in the baseline")
                .contains("BLOCKING_CALL at " + SECOND_SITE).doesNotContain("BLOCKING_CALL at " + SITE);
    }

    @Test
    void aForkThatWroteNoReportIsNamedByReportAndTheOtherForksAreStillRendered() throws Exception {
        Path project = sample("loop-test", "killed-fork");
        Build test = mvn(project, List.of(), "verify", "-Dacme.mode=halt", "-DforkCount=2", "-DreuseForks=false");
        assertThat(test.exitCode).as("Surefire fails on the crashed fork: " + test).isNotZero();
        // As a CI step that runs even after a failed test step would: the report of what there is.
        Build report = mvn(project, List.of(), "loopguard:report", "-Dacme.mode=halt");
        assertThat(report.exitCode).as(report.toString()).isZero();
        assertThat(report.log).containsPattern("loopguard: the test JVM with process id [0-9]+ started with the agent"
                + " but wrote no report \\(it was killed or crashed")
                .contains("loopguard: 1 finding(s) from 1 test JVM report(s)");
        assertThat(project.resolve("target/loopguard/loopguard.md")).content().contains("LoopTest.java");
    }

    @Test
    void badParametersFailTheBuildBeforeTheTestsNamingParameterValueAndAcceptedForm() throws Exception {
        Path project = sample("loop-test", "bad-parameters");
        Build kind = mvn(project, List.of(), "verify", "-Dloopguard.failOn=BLOCKING_CAL");
        assertThat(kind.exitCode).as(kind.toString()).isNotZero();
        assertThat(kind.log).contains("loopguard: parameter failOn has the item 'BLOCKING_CAL', which is not a finding"
                + " kind: expected one or more of BLOCKING_CALL, LOOP_STALL").doesNotContain("Tests run:");

        Build duration = mvn(project, List.of(), "verify", "-Dloopguard.stallThreshold=fast");
        assertThat(duration.exitCode).as(duration.toString()).isNotZero();
        assertThat(duration.log).contains("loopguard: invalid parameter of prepare-agent: stallThreshold must be a"
                + " duration").contains("was 'fast'").doesNotContain("Tests run:");

        Files.writeString(project.resolve("loopguard-baseline.json"), "{\"findings\": [{\"fingerprint\": \"nope\"}]}");
        Build baseline = mvn(project, List.of(), "verify");
        assertThat(baseline.exitCode).as(baseline.toString()).isNotZero();
        assertThat(baseline.log).contains("loopguard: parameter baseline is '" + project.resolve("loopguard-baseline.json")
                + "', which cannot be read as a baseline").contains("must be 32 lower-case hexadecimal digits")
                .doesNotContain("Tests run:");
    }

    @Test
    void jacocoAndLoopguardRunInTheSameTestJvmsAndTwoForksWriteTwoReportsMergedIntoOne() throws Exception {
        Path project = sample("jacoco-forks", "jacoco-forks");
        Build build = mvn(project, List.of(), "verify");
        assertThat(build.exitCode).as(build.toString()).isZero();
        assertThat(build.log).contains("Tests run: 2, Failures: 0, Errors: 0");
        List<Path> reports;
        try (Stream<Path> files = Files.list(project.resolve("target/loopguard"))) {
            reports = files.filter(p -> p.getFileName().toString().matches("loopguard-[0-9]+\\.json")).toList();
        }
        assertThat(reports).as("one report per fork").hasSize(2);
        for (Path report : reports) {
            assertThat(report).content().contains("com.acme.Greeter.greet(Greeter.java:5)");
        }
        assertThat(build.log).contains("loopguard: 1 finding(s) from 2 test JVM report(s)");
        assertThat(project.resolve("target/loopguard/loopguard.md")).content().contains("Greeter.java");
        assertThat(project.resolve("target/site/jacoco/jacoco.xml")).as("JaCoCo's agent recorded the same tests")
                .content().contains("name=\"com/acme/Greeter\"");
    }

    @Test
    void reportAggregateMergesTheReportsOfEveryModuleAndOfFailsafeIntoOneAtTheRoot() throws Exception {
        Path project = sample("multi-module", "multi-module");
        Path summary = project.resolve("step-summary.md");
        Build build = mvn(project, List.of("GITHUB_STEP_SUMMARY=" + summary), "verify", "loopguard:report-aggregate");
        assertThat(build.exitCode).as(build.toString()).isZero();
        for (String module : List.of("app", "lib")) {
            assertThat(project.resolve(module + "/target/loopguard/loopguard.md")).as(module).content()
                    .contains("com.acme." + module);
        }
        assertThat(project.resolve("lib/target/loopguard/loopguard.md")).as("Failsafe's JVM ran with the agent too")
                .content().contains("com.acme.lib.LibBlockingIT");
        Path aggregate = project.resolve("target/loopguard-aggregate");
        assertThat(build.log).contains("loopguard: 3 finding(s) from 3 test JVM report(s); wrote "
                + aggregate.resolve("loopguard.html"));
        assertThat(aggregate.resolve("loopguard.md")).content().contains("com.acme.app.AppTest")
                .contains("com.acme.lib.LibTest").contains("com.acme.lib.LibBlockingIT");
        assertThat(aggregate.resolve("loopguard.sarif")).content()
                .contains("app/src/test/java/com/acme/app/AppTest.java")
                .contains("lib/src/test/java/com/acme/lib/LibTest.java");
        assertThat(summary).as("only the aggregate, since the modules' report goals set stepSummary=false")
                .hasContent(Files.readString(aggregate.resolve("loopguard.md")) + "\n");
    }

    private static Path sample(String name, String copy) throws IOException {
        Path from = SAMPLES.resolve(name);
        Path to = WORK_DIR.resolve(copy);
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.walk(to)) {
                for (Path p : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.getFileName().toString().equals("pom.xml")) {
                    Files.writeString(target, filter(Files.readString(p)));
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static String filter(String pom) {
        return pom.replace("@loopguard.version@", required("loopguard.it.pluginVersion"))
                .replace("@junit.version@", required("loopguard.it.junitVersion"))
                .replace("@jacoco.version@", required("loopguard.it.jacocoVersion"))
                .replace("@surefire.version@", required("loopguard.it.surefireVersion"))
                .replace("@compiler.version@", required("loopguard.it.compilerVersion"))
                .replace("@resources.version@", required("loopguard.it.resourcesVersion"))
                .replace("@jar.version@", required("loopguard.it.jarVersion"));
    }

    /**
     * Runs {@code mvn} with this JDK. The local repository is the one under target/ that holds this build's plugin;
     * everything else is read from the user's repository first (never written there) and from Maven Central.
     */
    private static Build mvn(Path project, List<String> environment, String... args) throws Exception {
        Path settings = WORK_DIR.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <profiles>
                    <profile>
                      <id>user-repository</id>
                      <repositories>
                        <repository><id>user-repository</id><url>%1$s</url>
                          <snapshots><enabled>false</enabled></snapshots></repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>user-repository</id><url>%1$s</url>
                          <snapshots><enabled>false</enabled></snapshots></pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>user-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(USER_REPOSITORY.toUri()));
        List<String> command = new ArrayList<>(List.of(MAVEN_HOME.resolve("bin/mvn").toString(), "-B", "-ntp",
                "-s", settings.toString(), "-Dmaven.repo.local=" + LOCAL_REPOSITORY));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(WORK_DIR, "build-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("GITHUB_STEP_SUMMARY");
        builder.environment().remove("MAVEN_ARGS");
        for (String variable : environment) {
            int eq = variable.indexOf('=');
            builder.environment().put(variable.substring(0, eq), variable.substring(eq + 1));
        }
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("mvn " + String.join(" ", args) + " in " + project + " did not finish; log " + log);
        }
        return new Build(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), command);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run with mvn verify");
        }
        return value;
    }

    private record Build(int exitCode, String log, List<String> command) {
        @Override
        public String toString() {
            return String.join(" ", command) + " exited with " + exitCode + "\n" + log;
        }
    }
}
