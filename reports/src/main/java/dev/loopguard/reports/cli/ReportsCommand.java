package dev.loopguard.reports.cli;

import dev.loopguard.reports.Baseline;
import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.InvalidReportException;
import dev.loopguard.reports.JmhResults;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.format.FormatOptions;
import dev.loopguard.reports.format.ReportFormatFactory;
import dev.loopguard.reports.format.ReportFormatType;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code java -jar loopguard-reports.jar}: merges findings reports and JMH results and writes HTML, Markdown, JUnit
 * XML, SARIF and baselines. Exit status 0, 1 when a finding of a {@code --fail-on} kind is not in the baseline, 2 for
 * a usage error, an input that could not be read or an output that could not be written (every output that can be
 * written still is).
 */
public final class ReportsCommand {

    static final String USAGE = "Usage: java -jar loopguard-reports.jar --in FILE [--in FILE ...] [--jmh FILE] "
            + "[--html FILE] [--md FILE] [--junit FILE] [--sarif FILE] [--baseline FILE] [--write-baseline FILE] "
            + "[--fail-on KIND,...] [--source-root DIR ...] [--md-budget SIZE] [--sarif-category ID] "
            + "[--docs-url URL] [--help]";

    static final String HELP = String.join("\n",
            "loopguard-reports: merge Loopguard findings reports and JMH results, write them for people and CI.",
            "",
            USAGE,
            "",
            "Inputs:",
            "  --in FILE              a findings report the agent wrote (report=FILE); repeat for shards, forks, runs.",
            "                         Findings of the same kind, class, method and operation merge into one.",
            "  --jmh FILE             JMH results written with -rf json; repeatable.",
            "  --baseline FILE        known findings (written by --write-baseline): shown as known, never fail the run.",
            "Outputs (each written atomically; at least one, or --write-baseline):",
            "  --html FILE            one self-contained page: summary, findings, controller profile, benchmark charts.",
            "  --md FILE              a job summary or pull-request comment, within --md-budget.",
            "  --junit FILE           JUnit XML (Surefire's shape): each finding a failed test case.",
            "  --sarif FILE           SARIF 2.1.0 for code scanning (at most 25,000 results and 10 MB gzipped).",
            "  --write-baseline FILE  the fingerprints of every finding read, to pass to --baseline later.",
            "Settings:",
            "  --fail-on KIND,...     kinds that fail the run (exit 1) when found and not in the baseline:",
            "                         " + String.join(", ", ReportData.KINDS) + ". None by default.",
            "  --source-root DIR      where SARIF looks for source files, relative to the working directory;",
            "                         repeatable; default " + String.join(", ", FormatOptions.DEFAULT_SOURCE_ROOTS)
                    + ".",
            "  --md-budget SIZE       most bytes of Markdown, e.g. 900KiB (default), 1MiB, 500000.",
            "  --sarif-category ID    SARIF automationDetails.id, GitHub's category (default loopguard/).",
            "  --docs-url URL         where the findings pages <KIND>.md are published, for SARIF help links.",
            "",
            "Exit status: 0 passed; 1 findings of --fail-on kinds not in the baseline; 2 usage error, unreadable",
            "input or unwritable output (the other inputs are still merged and the other outputs still written).",
            "");

    private ReportsCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns its exit status; {@code main} without the exit, for tests and embedding. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (Arguments.UsageException | IllegalArgumentException e) {
            err.println("loopguard-reports: " + e.getMessage());
            err.println(USAGE);
            err.println("Run with --help for every option.");
            return 2;
        }
        if (a.help) {
            out.print(HELP);
            return 0;
        }
        ReportData.Builder builder = ReportData.builder().failOn(a.failOn);
        if (a.baseline != null) {
            try {
                builder.baseline(Baseline.read(a.baseline));
            } catch (InvalidReportException e) {
                builder.addProblem(new InputProblem(a.baseline.toString(), e.getMessage()
                        + "\n(the run continued without a baseline: every finding counts as new)"));
            }
        }
        for (Path jmh : a.jmh) {
            try {
                builder.addBenchmarks(JmhResults.read(jmh));
            } catch (InvalidReportException e) {
                builder.addProblem(new InputProblem(jmh.toString(), e.getMessage()));
            }
        }
        // One small pool for the whole run: shards are read on it, then the formats are written on it.
        int threads = Math.max(1, Math.min(Math.max(a.inputs.size(), a.outputs.size()),
                Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "loopguard-reports-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            builder.addFindings(a.inputs, pool);
            ReportData data = builder.build();
            for (InputProblem p : data.problems()) {
                err.println("loopguard-reports: " + p.message());
            }
            int status = !data.problems().isEmpty() ? 2 : data.failed() ? 1 : 0;
            FormatOptions options = a.formatOptions();
            Map<Path, Future<?>> writes = new LinkedHashMap<>();
            for (Map.Entry<ReportFormatType, Path> output : a.outputs.entrySet()) {
                writes.put(output.getValue(), pool.submit(() -> ReportFormatFactory.create(output.getKey(), options)
                        .write(data, output.getValue())));
            }
            if (a.writeBaseline != null) {
                writes.put(a.writeBaseline, pool.submit(() -> Baseline.write(a.writeBaseline, data.findings())));
            }
            for (Map.Entry<Path, Future<?>> write : writes.entrySet()) {
                try {
                    write.getValue().get();
                    out.println("loopguard-reports: wrote " + (write.getKey().equals(a.writeBaseline)
                            ? "baseline " + write.getKey() + " (" + data.findings().size() + " fingerprints)"
                            : write.getKey()));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    err.println("loopguard-reports: " + (cause instanceof UncheckedIOException
                            ? cause.getCause().getMessage() : "cannot write " + write.getKey() + ": " + cause));
                    status = 2;
                }
            }
            out.println("loopguard-reports: " + summary(data));
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("loopguard-reports: interrupted");
            return 2;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String summary(ReportData data) {
        StringBuilder s = new StringBuilder();
        long known = data.findings().stream().filter(data::isKnown).count();
        s.append(data.findings().size()).append(" finding(s) from ").append(data.inputs().size())
                .append(" report(s)");
        if (data.baseline().isPresent()) {
            s.append(", ").append(known).append(" known");
        }
        s.append("; ");
        if (data.failed()) {
            s.append("FAILED: ").append(data.failing().size()).append(" new finding(s) of ")
                    .append(String.join(",", data.failOn()));
        } else {
            s.append("passed");
        }
        if (!data.problems().isEmpty()) {
            s.append("; ").append(data.problems().size()).append(" input(s) could not be read");
        }
        return s.toString();
    }
}
