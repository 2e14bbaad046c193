package dev.loopguard.maven;

import dev.loopguard.reports.Baseline;
import dev.loopguard.reports.InvalidReportException;
import dev.loopguard.reports.ReportData;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The reports the test JVMs wrote, and the parameters that judge them, read and validated for report and check. */
final class ReportInputs {

    /** The file names prepare-agent gives the forks' reports: {@code loopguard-<pid>.json}. */
    static final String REPORT_GLOB = "loopguard-[0-9]*.json";
    /** The agent's marker of a JVM that started and has not written its report (yet): {@code .NAME.running}. */
    static final String MARKER_GLOB = ".loopguard-[0-9]*.json.running";

    private ReportInputs() {
    }

    static List<Path> reports(File reportDirectory) throws MojoExecutionException {
        Path dir = reportDirectory.toPath();
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, REPORT_GLOB)) {
            found.forEach(files::add);
        } catch (IOException e) {
            throw new MojoExecutionException("loopguard: cannot list the reports in " + dir + ": " + e, e);
        }
        Collections.sort(files);
        return files;
    }

    /**
     * The process ids of test JVMs that started with the agent and wrote no report: the agent's marker is there and
     * the report is not (the JVM was killed, crashed, or could not write it).
     */
    static List<String> withoutReport(File reportDirectory) throws MojoExecutionException {
        Path dir = reportDirectory.toPath();
        List<String> pids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return pids;
        }
        try (DirectoryStream<Path> markers = Files.newDirectoryStream(dir, MARKER_GLOB)) {
            for (Path marker : markers) {
                String name = marker.getFileName().toString();
                String report = name.substring(1, name.length() - ".running".length());
                if (!Files.exists(dir.resolve(report))) {
                    pids.add(report.substring("loopguard-".length(), report.length() - ".json".length()));
                }
            }
        } catch (IOException e) {
            throw new MojoExecutionException("loopguard: cannot list the markers in " + dir + ": " + e, e);
        }
        Collections.sort(pids);
        return pids;
    }

    static void warnAboutMissing(File reportDirectory, org.apache.maven.plugin.logging.Log log)
            throws MojoExecutionException {
        for (String pid : withoutReport(reportDirectory)) {
            log.warn("loopguard: the test JVM with process id " + pid + " started with the agent but wrote no report"
                    + " (it was killed or crashed, or could not write " + reportDirectory.toPath().resolve(
                    "loopguard-" + pid + ".json") + "): its findings are missing from this report; the fork's"
                    + " failure is in Surefire's or Failsafe's output");
        }
    }

    /** {@code failOn} kinds, upper-cased; null or empty means every kind. */
    static List<String> failOn(List<String> configured) throws MojoExecutionException {
        if (configured == null || configured.isEmpty()) {
            return ReportData.KINDS;
        }
        List<String> kinds = new ArrayList<>();
        for (String item : configured) {
            for (String part : (item == null ? "" : item).split("[,;]", -1)) {
                String kind = part.trim().toUpperCase(Locale.ROOT);
                if (!ReportData.KINDS.contains(kind)) {
                    throw new MojoExecutionException("loopguard: parameter failOn has the item '" + part.trim()
                            + "', which is not a finding kind: expected one or more of " + String.join(", ", ReportData.KINDS)
                            + " (for example <failOn><kind>BLOCKING_CALL</kind></failOn> or -Dloopguard.failOn=BLOCKING_CALL,LOOP_STALL)");
                }
                if (!kinds.contains(kind)) {
                    kinds.add(kind);
                }
            }
        }
        return kinds;
    }

    /** The baseline, or null when the file does not exist (every finding is then new). */
    static Baseline baseline(File file) throws MojoExecutionException {
        if (file == null || !file.exists()) {
            return null;
        }
        try {
            return Baseline.read(file.toPath());
        } catch (InvalidReportException e) {
            throw new MojoExecutionException("loopguard: parameter baseline is '" + file + "', which cannot be read as"
                    + " a baseline: " + e.getMessage() + (e.problems().isEmpty() ? "" : "\n  " + String.join("\n  ",
                    e.problems())) + "\nExpected a file written by -Dloopguard.updateBaseline (a JSON object with a"
                    + " \"findings\" array of fingerprints); fix or delete it", e);
        }
    }

    static ReportData read(List<Path> reports, List<String> failOn, Baseline baseline) throws MojoExecutionException {
        ReportData.Builder builder = ReportData.builder().failOn(failOn);
        if (baseline != null) {
            builder.baseline(baseline);
        }
        // Reading is parallel per file; two threads suffice for a handful of forks, and never the common pool.
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(2, reports.size())), r -> {
            Thread t = new Thread(r, "loopguard-maven-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            builder.addFindings(reports, pool);
            return builder.build();
        } finally {
            pool.shutdownNow();
        }
    }
}
