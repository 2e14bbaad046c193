package dev.loopguard.reports.format;

import dev.loopguard.reports.BenchmarkResult;
import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GitHub-flavoured Markdown for a CI job summary ({@code GITHUB_STEP_SUMMARY}) or a pull-request comment: a status
 * line, a counts table, then the most important findings in {@code <details>} blocks until the byte budget is
 * reached (GitHub drops a summary over 1 MiB whole), with a closing note that says how many were left out and names
 * the HTML report.
 *
 * <p>Escaping: text and table cells are HTML-escaped, {@code |} becomes {@code &#124;} so it cannot end a cell,
 * {@code @} becomes {@code &#64;} so a thread name cannot mention someone, and Markdown punctuation is backslash
 * escaped. Each {@code <details><summary>} line and each {@code <pre>} block is an HTML block, which GitHub does not
 * parse as Markdown, so their content is HTML-escaped only.
 */
final class MarkdownFormat implements ReportFormat {

    private static final int MAX_STACK_FRAMES = 25;
    /** Bytes kept back for the closing note, so that it always fits. */
    private static final int NOTE_RESERVE = 600;

    private final FormatOptions options;

    MarkdownFormat(FormatOptions options) {
        this.options = options;
    }

    @Override
    public ReportFormatType type() {
        return ReportFormatType.MARKDOWN;
    }

    @Override
    public void write(ReportData data, OutputStream out) throws IOException {
        Budget md = new Budget(options.markdownBudget() - NOTE_RESERVE);
        String icon = data.failed() ? ":x:" : data.problems().isEmpty() ? ":white_check_mark:" : ":warning:";
        md.add("## Loopguard\n\n" + icon + " **" + inline(Text.status(data)) + "**\n\n");
        Map<String, ReportData.KindCounts> counts = data.countsByKind();
        boolean baseline = data.baseline().isPresent();
        if (!counts.isEmpty()) {
            md.add("| Kind | Sites |" + (baseline ? " New |" : "") + " Occurrences | Fails the run |\n"
                    + "|---|---:|" + (baseline ? "---:|" : "") + "---:|---|\n");
            for (Map.Entry<String, ReportData.KindCounts> e : counts.entrySet()) {
                ReportData.KindCounts c = e.getValue();
                md.add("| `" + e.getKey() + "` | " + Text.count(c.sites()) + " |"
                        + (baseline ? " " + Text.count(c.newSites()) + " |" : "") + " " + Text.count(c.occurrences())
                        + " | " + (data.failOn().contains(e.getKey()) ? "yes" : "no") + " |\n");
            }
            md.add("\n");
        }
        md.add("From " + Text.plural(data.inputs().size(), "findings report", "findings reports")
                + (baseline ? ", against a baseline of " + Text.plural(data.baseline().get().fingerprints().size(),
                "known finding", "known findings") : "") + ".\n\n");
        int problemsShown = 0;
        for (InputProblem p : data.problems()) {
            if (!md.tryAdd("<details><summary>:warning: Could not read " + summaryText(p.input()) + "</summary>\n\n<pre>"
                    + pre(Text.clip(p.message(), 4000)) + "</pre>\n</details>\n\n")) {
                break;
            }
            problemsShown++;
        }
        if (!data.omitted().isEmpty()) {
            List<String> parts = new ArrayList<>();
            data.omitted().forEach((kind, o) -> parts.add(inline(kind) + ": " + Text.count(o.sites()) + " more sites ("
                    + Text.count(o.occurrences()) + " occurrences)"));
            md.tryAdd("**Counted but not listed** (an agent keeps the first 500 sites of each kind): "
                    + String.join("; ", parts) + "\n\n");
        }
        if (!data.agentErrors().isEmpty()) {
            md.tryAdd("**Agent errors** (each turned a detector off): " + inline(Text.clip(String.join("; ",
                    data.agentErrors()), 2000)) + "\n\n");
        }
        benchmarks(data, md);
        List<MergedFinding> findings = Text.byImportance(data);
        int shown = 0;
        if (!findings.isEmpty()) {
            md.tryAdd("### Findings\n\n");
        }
        for (MergedFinding f : findings) {
            if (!md.tryAdd(details(data, f))) {
                break;
            }
            shown++;
        }
        StringBuilder note = new StringBuilder();
        int left = findings.size() - shown;
        int problemsLeft = data.problems().size() - problemsShown;
        if (left > 0 || problemsLeft > 0) {
            note.append("_");
            if (left > 0) {
                note.append(Text.plural(left, "more finding is", "more findings are")).append(" not shown");
            }
            if (problemsLeft > 0) {
                note.append(left > 0 ? ", and " : "").append(Text.plural(problemsLeft, "unreadable input is",
                        "unreadable inputs are")).append(" not shown");
            }
            note.append(": this summary is kept under ").append(Text.count(options.markdownBudget()))
                    .append(" bytes");
            if (options.htmlReportName() != null) {
                note.append("; the HTML report ").append(inline(Text.clip(options.htmlReportName(), 200)))
                        .append(" has them all");
            }
            note.append("._\n");
        } else if (options.htmlReportName() != null) {
            note.append("_The HTML report ").append(inline(Text.clip(options.htmlReportName(), 200)))
                    .append(" has every detail and the benchmark charts._\n");
        }
        byte[] body = md.text.toString().getBytes(StandardCharsets.UTF_8);
        out.write(body);
        out.write(note.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Per scaling study, the score at each N and the speed-up of gathered over sequential; other results listed. */
    private static void benchmarks(ReportData data, Budget md) {
        if (data.benchmarks().isEmpty()) {
            return;
        }
        BenchmarkAnalysis analysis = new BenchmarkAnalysis(data.benchmarks());
        md.tryAdd("### Benchmarks\n\n");
        for (BenchmarkAnalysis.Study study : analysis.studies) {
            StringBuilder t = new StringBuilder();
            t.append("**").append(inline(study.title())).append("** (").append(inline(study.unit))
                    .append(", efficiency = ideal / measured)\n\n| Method |");
            StringBuilder rule = new StringBuilder("|---|");
            for (long n : study.ns) {
                t.append(" N = ").append(Text.count(n)).append(" |");
                rule.append("---:|");
            }
            t.append('\n').append(rule).append('\n');
            for (Map.Entry<String, Map<Long, BenchmarkResult>> e : study.byMethod.entrySet()) {
                t.append("| ").append(inline(e.getKey())).append(" |");
                for (long n : study.ns) {
                    BenchmarkResult r = e.getValue().get(n);
                    double ideal = study.ideal(e.getKey(), n);
                    t.append(' ').append(r == null ? "–" : SvgChart.number(r.score())
                            + (Double.isFinite(ideal) && r.score() > 0
                            ? String.format(Locale.ROOT, " (%.0f%%)", 100 * ideal / r.score()) : "")).append(" |");
                }
                t.append('\n');
            }
            Map<Long, Double> speedUp = study.speedUp();
            if (!speedUp.isEmpty()) {
                t.append("| **speed-up, gathered over sequential** |");
                for (long n : study.ns) {
                    Double x = speedUp.get(n);
                    t.append(' ').append(x == null ? "–" : SvgChart.number(x) + "×").append(" |");
                }
                t.append('\n');
            }
            if (study.duplicates > 0) {
                t.append('\n').append(Text.plural(study.duplicates, "more result", "more results"))
                        .append(" for the same method, N and parameters not shown (the first given of each is).\n");
            }
            if (!md.tryAdd(t.append('\n').toString())) {
                return;
            }
        }
        for (Map.Entry<String, List<BenchmarkResult>> e : analysis.others.entrySet()) {
            StringBuilder t = new StringBuilder("**").append(inline(e.getKey())).append("**\n\n")
                    .append("| Method | Parameters | Mode | Score | ± 99.9% | Unit |\n|---|---|---|---:|---:|---|\n");
            for (BenchmarkResult r : e.getValue()) {
                StringBuilder params = new StringBuilder();
                r.params().forEach((k, v) -> params.append(params.length() == 0 ? "" : ", ").append(k).append('=')
                        .append(v));
                t.append("| ").append(inline(r.method())).append(" | ").append(inline(params.toString())).append(" | ")
                        .append(inline(r.mode())).append(" | ").append(SvgChart.number(r.score())).append(" | ")
                        .append(SvgChart.number(r.scoreError())).append(" | ").append(inline(r.unit())).append(" |\n");
            }
            if (!md.tryAdd(t.append('\n').toString())) {
                return;
            }
        }
    }

    private String details(ReportData data, MergedFinding f) {
        boolean known = data.isKnown(f);
        StringBuilder s = new StringBuilder("<details><summary>");
        s.append(known ? "known" : data.failOn().contains(f.kind()) ? ":x: new" : "new").append(" <code>")
                .append(f.kind()).append("</code> ");
        s.append(summaryText(Text.shortFrame(f.location())));
        if (f.operation() != null) {
            s.append(' ').append(summaryText(f.operation()));
        }
        s.append(" × ").append(Text.count(f.count())).append("</summary>\n\n<pre>");
        s.append(pre(Text.clip(f.message(), 3000))).append('\n');
        if (f.advice() != null) {
            s.append("\nInstead: ").append(pre(f.advice())).append('\n');
        }
        s.append("\nThreads: ").append(pre(Text.clip(String.join(", ", f.threads()), 1000)));
        if (!f.tests().isEmpty()) {
            s.append("\nTests: ").append(pre(Text.clip(String.join(", ", f.tests()), 1000)));
        }
        s.append("\nSeen: ").append(f.count() == 1 ? "once, " : Text.count(f.count()) + " times, ")
                .append(Text.time(f.firstSeen()));
        if (!f.lastSeen().equals(f.firstSeen())) {
            s.append(" to ").append(Text.time(f.lastSeen()));
        }
        if (f.reason() != null) {
            s.append("\nReason: ").append(pre(f.reason()));
        }
        if (f.exception() != null) {
            s.append("\nException: ").append(pre(Text.clip(f.exception().toString(), 1000)));
        }
        s.append("\nFingerprint: ").append(f.fingerprint()).append('\n');
        int n = Math.min(f.stack().size(), MAX_STACK_FRAMES);
        if (n > 0) {
            s.append('\n');
        }
        for (int i = 0; i < n; i++) {
            s.append("  at ").append(pre(Text.clip(f.stack().get(i), 500))).append('\n');
        }
        if (f.stack().size() > n) {
            s.append("  … ").append(f.stack().size() - n).append(" more frames\n");
        }
        s.append("</pre>\n</details>\n\n");
        return s.toString();
    }

    /** For a {@code <summary>}: HTML-escaped and on one line, with no mention. */
    private static String summaryText(String s) {
        return Text.html(s).replace("\n", " ").replace("\r", " ").replace("@", "&#64;");
    }

    /** For a {@code <pre>} block: HTML-escaped, no mention. */
    private static String pre(String s) {
        return Text.html(s).replace("@", "&#64;");
    }

    /** For Markdown text and table cells: one line, HTML-escaped, no cell break, no mention, no Markdown markup. */
    static String inline(String s) {
        String p = Text.printable(s);
        StringBuilder out = new StringBuilder(p.length() + 16);
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '|': out.append("&#124;"); break;
                case '@': out.append("&#64;"); break;
                case '\n':
                case '\r':
                case '\t': out.append(' '); break;
                case '\\': case '`': case '*': case '_': case '[': case ']': case '~': case '!': case '#':
                    out.append('\\').append(c);
                    break;
                default: out.append(c);
            }
        }
        return out.toString();
    }

    /** Text that must stay under a number of UTF-8 bytes. */
    private static final class Budget {
        final StringBuilder text = new StringBuilder();
        final long limit;
        long bytes;

        Budget(long limit) {
            this.limit = limit;
        }

        void add(String s) {
            text.append(s);
            bytes += utf8Length(s);
        }

        boolean tryAdd(String s) {
            long n = utf8Length(s);
            if (bytes + n > limit) {
                return false;
            }
            text.append(s);
            bytes += n;
            return true;
        }

        private static long utf8Length(String s) {
            long n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    n++;
                } else if (c < 0x800) {
                    n += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 4;
                    i++;
                } else {
                    n += 3;
                }
            }
            return n;
        }
    }
}
