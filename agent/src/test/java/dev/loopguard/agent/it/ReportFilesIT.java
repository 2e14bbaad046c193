package dev.loopguard.agent.it;

import com.acme.files.RunsUntilKilled;
import com.acme.loops.NamedLoops;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the report may go, run as a user would: the report is only ever a regular file, written atomically; a path
 * that cannot hold one stops the JVM at start-up (exit 2); a write that fails at exit leaves no earlier report that
 * could pass for this run's (exit 4); a killed run's temporary files are removed by the next run.
 */
@DisplayName("Report files")
class ReportFilesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_STARTED = "the JVM stops because the agent options are invalid (exit status 2)";

    @Test
    void aFifoAtTheReportPathIsRefusedAtStartUpAndLeftAlone() throws Exception {
        Path dir = fixture("fifo");
        Path fifo = dir.resolve("report.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        Run run = run(dir, "report=" + fifo, 0);
        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr).contains("loopguard: report " + fifo + " cannot be written: it is not a regular file"
                + " (a FIFO, a device or a socket), and a report is only ever written to a regular file").contains(NOT_STARTED);
        assertThat(run.stdout).doesNotContain("scenario done");
        assertThat(attributes(fifo).isOther()).as("still a FIFO").isTrue();
    }

    @Test
    void aDirectoryAtTheReportPathIsRefusedAtStartUp() throws Exception {
        Path dir = fixture("directory");
        Path target = Files.createDirectory(dir.resolve("report.json"));
        Run run = run(dir, "report=" + target, 0);
        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr).contains("loopguard: report " + target + " cannot be written: it is a directory")
                .contains(NOT_STARTED);
        assertThat(target).isDirectory();
    }

    @Test
    void twoJvmsGivenTheSameReportOptionWithPercentPEachWriteTheirOwnReportNamedByProcessId() throws Exception {
        Path dir = fixture("pid-placeholder");
        String option = "report=forks/report-%p.json";
        Run first = run(dir, option, 0);
        Run second = run(dir, option, 0);
        assertThat(first.exitCode).as(first.toString()).isZero();
        assertThat(second.exitCode).as(second.toString()).isZero();
        List<Path> reports;
        try (Stream<Path> files = Files.list(dir.resolve("forks"))) {
            reports = files.sorted().toList();
        }
        assertThat(reports).as("one report per JVM, and no marker left by a JVM that wrote its report").hasSize(2);
        for (Path report : reports) {
            assertThat(report.getFileName().toString()).matches("report-[0-9]+\\.json");
            JsonNode json = JSON.readTree(report.toFile());
            assertThat(json.get("findings")).hasSize(1);
            assertThat(json.get("options").get("report").asText()).as("the expanded path is echoed")
                    .isEqualTo(Path.of("forks").resolve(report.getFileName()).toString());
            assertThat(ReportSchema.errors(json)).isEmpty();
        }
    }

    @Test
    void aKilledJvmLeavesItsRunningMarkerBesideTheReportItNeverWrote() throws Exception {
        Path dir = fixture("killed");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + ForkedJvm.AGENT_JAR + "=report=report-%p.json", "-XX:-UsePerfData",
                "-cp", String.join(File.pathSeparator, ForkedJvm.scenarioClassPath()),
                RunsUntilKilled.class.getName()).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            // main prints "running" only after the agent's start-up, which is when the marker is created.
            String line;
            while ((line = out.readLine()) != null && !line.equals("running")) {
                // agent start-up output, if any
            }
            assertThat(line).as("the scenario started").isEqualTo("running");
            Path marker = dir.resolve(".report-" + process.pid() + ".json.running");
            assertThat(marker).exists();
        } finally {
            process.destroyForcibly();
            assertThat(process.waitFor(ForkedJvm.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir.resolve(".report-" + process.pid() + ".json.running")).as("SIGKILL runs no shutdown hook").exists();
        assertThat(dir.resolve("report-" + process.pid() + ".json")).doesNotExist();
    }

    @Test
    void anUnknownPlaceholderInTheReportPathStopsTheJvmAtStartUp() throws Exception {
        Path dir = fixture("unknown-placeholder");
        Run run = run(dir, "report=report-%t.json", 0);
        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr).contains("loopguard: report 'report-%t.json' has an unknown placeholder '%t'"
                + " at position 7: expected %p (the process id, for example target/loopguard/report-%p.json) or %%"
                + " for a literal %").contains(NOT_STARTED);
        assertThat(run.stdout).doesNotContain("scenario done");
    }

    @Test
    void aSymbolicLinkToARegularFileGetsTheReportInItsTargetAndStaysALink() throws Exception {
        Path dir = fixture("symlink");
        Path real = Files.writeString(Files.createDirectory(dir.resolve("runs")).resolve("run-42.json"), "{\"old\": 1}");
        Path link = Files.createSymbolicLink(dir.resolve("latest.json"), Path.of("runs", "run-42.json"));
        Run run = run(dir, "report=latest.json", 0);
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        JsonNode report = JSON.readTree(real.toFile());
        assertThat(report.get("findings")).hasSize(1);
        assertThat(ReportSchema.errors(report)).isEmpty();
        assertThat(run.stderr).contains("(report: " + real.toRealPath() + ")");
        assertNoTemporaryFiles(real.getParent());
    }

    @Test
    void aSymbolicLinkToADeviceOrToNothingIsRefusedAtStartUp() throws Exception {
        Path dir = fixture("symlink-refused");
        Path toDevice = Files.createSymbolicLink(dir.resolve("null.json"), Path.of("/dev/null"));
        Run device = run(dir, "report=" + toDevice, 0);
        assertThat(device.exitCode).as(device.toString()).isEqualTo(2);
        assertThat(device.stderr).contains("loopguard: report " + toDevice + " cannot be written: it is a symbolic"
                + " link to /dev/null, which is not a regular file (a FIFO, a device or a socket)");
        assertThat(attributes(Path.of("/dev/null")).isOther()).as("/dev/null is still a device").isTrue();

        Path dangling = Files.createSymbolicLink(dir.resolve("gone.json"), Path.of("missing", "report.json"));
        Run nothing = run(dir, "report=" + dangling, 0);
        assertThat(nothing.exitCode).as(nothing.toString()).isEqualTo(2);
        assertThat(nothing.stderr).contains("it is a symbolic link to missing/report.json, which does not exist");
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
    }

    @Test
    void aPathWhereNoFileCanBeCreatedIsRefusedAtStartUp() throws Exception {
        Path dir = fixture("proc");
        Run proc = run(dir, "report=/proc/loopguard-report.json", 0);
        assertThat(proc.exitCode).as(proc.toString()).isEqualTo(2);
        assertThat(proc.stderr).contains("loopguard: report /proc/loopguard-report.json cannot be written: no file"
                + " can be created in /proc").contains(NOT_STARTED);

        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a directory");
        Run underFile = run(dir, "report=notes.txt/report.json", 0);
        assertThat(underFile.exitCode).as(underFile.toString()).isEqualTo(2);
        assertThat(underFile.stderr).contains("cannot be written: " + file + " is not a directory");
    }

    @Test
    void anUnwritableDirectoryIsRefusedAtStartUp() throws Exception {
        Path dir = fixture("unwritable");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        boolean immutable = lock(locked);
        try {
            Run run = run(dir, "report=locked/report.json", 0);
            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.stderr).contains("loopguard: report " + locked.resolve("report.json")
                    + " cannot be written: no file can be created in " + locked).contains(NOT_STARTED);
        } finally {
            unlock(locked, immutable);
        }
    }

    @Test
    void aWriteThatFailsAtExitRemovesTheEarlierReportSaysSoAndExitsWith4() throws Exception {
        Path dir = fixture("failed-write");
        Path stale = Files.writeString(dir.resolve("report.json"), "{\"an earlier run\": true}");
        // A file-size limit of 1 KiB: the start-up check (an empty file) passes, the report at exit does not fit.
        Run run = run(dir, "report=report.json", 1);
        assertThat(run.exitCode).as(run.toString()).isEqualTo(4);
        assertThat(run.stdout).contains("scenario done");
        assertThat(stale).doesNotExist();
        assertThat(run.stderr).contains("loopguard: 1 finding (no report was written to " + stale + ": File too large)")
                .contains("loopguard: no report was written; exiting with status 4");
        assertNoTemporaryFiles(dir);
        assertThat(dir.resolve(".report.json.running")).as("the marker stays: this JVM wrote no report").exists();
    }

    @Test
    void temporaryFilesOfAKilledRunAreRemovedByTheNextRun() throws Exception {
        Path dir = fixture("leftovers");
        Path killed = Files.writeString(dir.resolve(".report.json.1a2b3c4d-1.tmp"), "{\"findings\": [");
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        Path writing = Files.writeString(dir.resolve(".report.json.5e6f-7.tmp"), "{\"another run, writing now");
        Path unrelated = Files.writeString(dir.resolve(".other.json.1a2b-1.tmp"), "not ours");
        Files.setLastModifiedTime(unrelated, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        Run run = run(dir, "report=report.json", 0);
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(killed).doesNotExist();
        assertThat(writing).as("a recent temporary file may belong to a run still writing").exists();
        assertThat(unrelated).exists();
        assertThat(ReportSchema.errors(JSON.readTree(dir.resolve("report.json").toFile()))).isEmpty();
    }

    private static void assertNoTemporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    /** Makes the directory unwritable: permissions, and the immutable attribute for root, whom they do not stop. */
    private static boolean lock(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (canCreateIn(dir)) {
            Process chattr = new ProcessBuilder("chattr", "+i", dir.toString()).redirectErrorStream(true).start();
            chattr.waitFor(30, TimeUnit.SECONDS);
            assumeTrue(!canCreateIn(dir), "this user can write any directory, and chattr +i is not available");
            return true;
        }
        return false;
    }

    private static void unlock(Path dir, boolean immutable) throws Exception {
        if (immutable) {
            new ProcessBuilder("chattr", "-i", dir.toString()).redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static boolean canCreateIn(Path dir) {
        try {
            Files.delete(Files.createFile(dir.resolve("probe")));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static Path fixture(String name) throws IOException {
        Path dir = ForkedJvm.WORK_DIR.resolve("report-files").resolve(name).toAbsolutePath();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> old = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    /**
     * Runs NamedLoops (one blocking call on a loop) with the agent in {@code dir}, under a file-size limit of
     * {@code fileSizeLimitKib} KiB when it is not 0 (the JVM ignores SIGXFSZ, so a write past it fails with EFBIG).
     */
    private static Run run(Path dir, String agentOptions, int fileSizeLimitKib) throws Exception {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + ForkedJvm.AGENT_JAR + "=" + agentOptions + ",eventLoopThreads=files-loop-*",
                "-XX:-UsePerfData", "-Xshare:auto",
                "-cp", String.join(File.pathSeparator, ForkedJvm.scenarioClassPath()),
                NamedLoops.class.getName(), "files-loop-1:sleep"));
        List<String> command = new ArrayList<>();
        if (fileSizeLimitKib > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -f " + fileSizeLimitKib + " && exec \"$@\"", "bash"));
        }
        command.addAll(java);
        Path out = Files.createTempFile("report-files-", ".out");
        Path err = Files.createTempFile("report-files-", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(ForkedJvm.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("forked JVM in " + dir + " did not exit within " + ForkedJvm.TIMEOUT);
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static final class Run {
        final int exitCode;
        final String stdout;
        final String stderr;

        Run(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }
}
