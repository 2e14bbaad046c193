package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a scenario's main class in a new JVM, the way a user runs the agent: {@code -javaagent:loopguard-agent.jar}
 * and a class path without the agent's classes directory or an unrelocated Byte Buddy. Immutable builder.
 */
final class ForkedJvm {
    static final Path AGENT_JAR = Path.of(required("loopguard.it.agentJar"));
    static final Path SCHEMA = Path.of(required("loopguard.it.schema"));
    static final Path NETTY42_DIR = Path.of(required("loopguard.it.netty42Dir"));
    static final Path VERTX5_DIR = Path.of(required("loopguard.it.vertx5Dir"));
    static final Path WORK_DIR = Path.of(required("loopguard.it.workDir"));
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String mainClass;
    private final List<String> args;
    private final String agentOptions;
    private final boolean withAgent;
    private final List<String> jvmFlags;
    private final List<String> classPath;

    private ForkedJvm(String mainClass, List<String> args, String agentOptions, boolean withAgent,
                      List<String> jvmFlags, List<String> classPath) {
        this.mainClass = mainClass;
        this.args = args;
        this.agentOptions = agentOptions;
        this.withAgent = withAgent;
        this.jvmFlags = jvmFlags;
        this.classPath = classPath;
    }

    static ForkedJvm main(Class<?> mainClass, String... args) {
        return new ForkedJvm(mainClass.getName(), List.of(args), null, true, List.of(), scenarioClassPath());
    }

    ForkedJvm agentOptions(String options) {
        return new ForkedJvm(mainClass, args, Objects.requireNonNull(options, "options"), withAgent, jvmFlags, classPath);
    }

    ForkedJvm withoutAgentFlag() {
        return new ForkedJvm(mainClass, args, agentOptions, false, jvmFlags, classPath);
    }

    ForkedJvm jvmFlags(String... flags) {
        List<String> all = new ArrayList<>(jvmFlags);
        all.addAll(Arrays.asList(flags));
        return new ForkedJvm(mainClass, args, agentOptions, withAgent, List.copyOf(all), classPath);
    }

    ForkedJvm classPath(List<String> entries) {
        return new ForkedJvm(mainClass, args, agentOptions, withAgent, jvmFlags, List.copyOf(entries));
    }

    /** The test classes and test dependencies, without the agent's own classes or an unrelocated Byte Buddy. */
    static List<String> scenarioClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !isAgentClasses(e) && !e.contains("byte-buddy"))
                .collect(Collectors.toList());
    }

    /** Only the test classes and Netty 4.2: a second, independent Netty version. */
    static List<String> netty42ClassPath() throws IOException {
        return testClassesAnd(NETTY42_DIR);
    }

    /** Only the test classes, Vert.x 5 and its Netty 4.2. */
    static List<String> vertx5ClassPath() throws IOException {
        return testClassesAnd(VERTX5_DIR);
    }

    private static List<String> testClassesAnd(Path jarDirectory) throws IOException {
        List<String> cp = new ArrayList<>();
        cp.add(testClasses());
        try (var jars = Files.list(jarDirectory)) {
            jars.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().forEach(cp::add);
        }
        return cp;
    }

    static String testClasses() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith("test-classes")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no test-classes entry on the class path"));
    }

    /** Class path entries of an unshaded agent: its classes directory and Byte Buddy. */
    static List<String> unshadedAgentEntries() {
        List<String> out = new ArrayList<>();
        out.add(AGENT_JAR.getParent().resolve("classes").toString());
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("byte-buddy")).forEach(out::add);
        return out;
    }

    private static boolean isAgentClasses(String entry) {
        Path p = Path.of(entry).toAbsolutePath().normalize();
        return p.equals(AGENT_JAR.getParent().resolve("classes").toAbsolutePath().normalize())
                || p.getFileName().toString().startsWith("loopguard-agent");
    }

    /** Runs in a fresh directory under target/it-runs/NAME and waits for the exit, bounded by {@link #TIMEOUT}. */
    Result run(String name) throws IOException, InterruptedException {
        Path dir = WORK_DIR.resolve(name);
        if (Files.exists(dir)) {
            try (var old = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) old.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withAgent) {
            command.add("-javaagent:" + AGENT_JAR + (agentOptions == null ? "" : "=" + agentOptions));
        }
        command.add("-Xshare:auto");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(mainClass);
        command.addAll(args);
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("forked JVM " + name + " did not exit within " + TIMEOUT + "; stderr:\n"
                    + Files.readString(err));
        }
        return new Result(dir, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run the ITs with Maven"
                    + " (mvn -pl agent verify), which sets it in the failsafe configuration");
        }
        return value;
    }

    /** What a forked JVM did. */
    static final class Result {
        final Path dir;
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(Path dir, int exitCode, String stdout, String stderr) {
            this.dir = dir;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /**
         * Asserts that the scenario ran to its end: exit status 0 and its closing "scenario done" line (every scenario
         * main prints it last), with the whole run in the failure message.
         */
        Result completed() {
            assertThat(exitCode).as(toString()).isZero();
            assertThat(stdout).as(toString()).contains("scenario done");
            return this;
        }

        JsonNode report() throws IOException {
            return report("loopguard-report.json");
        }

        JsonNode report(String file) throws IOException {
            Path p = dir.resolve(file);
            if (!Files.exists(p)) {
                throw new AssertionError("no report at " + p + "; exit " + exitCode + "\nstdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            return JSON.readTree(p.toFile());
        }

        /** Findings of the report whose site is in the given method of a scenario class. */
        List<JsonNode> findingsAt(JsonNode report, String kind, String methodName) {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode f : report.get("findings")) {
                if (f.get("kind").asText().equals(kind) && f.has("site")
                        && f.get("site").asText().contains("." + methodName + "(")) {
                    out.add(f);
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }
}
