package dev.loopguard.reports.format;

import dev.loopguard.reports.BenchmarkResult;
import dev.loopguard.reports.ControllerProfile;
import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One self-contained HTML page: inline styles and SVG, no scripts, so it reads the same with scripts off, offline,
 * and from a CI artifact. A Content-Security-Policy forbids every external resource, so a regression that adds one
 * shows as an error in the browser console rather than as a silent request.
 */
final class HtmlFormat implements ReportFormat {

    /** Findings per kind shown with their details; the page must stay quick to open with 100,000 findings. */
    static final int DETAILED_PER_KIND = 500;
    /** Further findings per kind listed one line each; the rest are counted. */
    static final int LISTED_PER_KIND = 5_000;
    private static final int MAX_STACK_FRAMES = 60;

    private final FormatOptions options;

    HtmlFormat(FormatOptions options) {
        this.options = options;
    }

    @Override
    public ReportFormatType type() {
        return ReportFormatType.HTML;
    }

    @Override
    public void write(ReportData data, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        boolean failed = data.failed();
        String status = Text.status(data);
        w.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                + "img-src data:\">\n<meta name=\"generator\" content=\"Loopguard reports\">\n<title>Loopguard report: ");
        w.write(failed ? "failed" : "passed");
        w.write("</title>\n<style>\n");
        w.write(CSS);
        w.write("</style>\n</head>\n<body>\n<header>\n<h1>Loopguard report</h1>\n<p class=\"status ");
        w.write(failed ? "fail" : data.problems().isEmpty() ? "pass" : "warn");
        w.write("\" id=\"status\">");
        w.write(Text.html(status));
        w.write("</p>\n<p class=\"meta\">Generated ");
        w.write(Text.html(Text.time(data.generatedAt())));
        w.write(" from ");
        w.write(Text.html(Text.plural(data.inputs().size(), "findings report", "findings reports")));
        if (!data.benchmarks().isEmpty()) {
            w.write(" and " + Text.html(Text.plural(data.benchmarks().size(), "benchmark result", "benchmark results")));
        }
        if (data.baseline().isPresent()) {
            w.write("; baseline of " + Text.html(Text.plural(data.baseline().get().fingerprints().size(),
                    "known finding", "known findings")));
        }
        w.write(".</p>\n</header>\n<nav><a href=\"#summary\">Summary</a>");
        for (String kind : data.countsByKind().keySet()) {
            w.write(" <a href=\"#" + Text.html(kind) + "\">" + Text.html(KindInfo.of(kind).title) + "</a>");
        }
        if (!data.controllers().isEmpty()) {
            w.write(" <a href=\"#controllers\">Controllers</a>");
        }
        if (!data.benchmarks().isEmpty()) {
            w.write(" <a href=\"#benchmarks\">Benchmarks</a>");
        }
        w.write("</nav>\n<main>\n");
        summary(data, w);
        problems(data, w);
        findings(data, w);
        controllers(data, w);
        benchmarks(data, w);
        w.write("</main>\n<footer>Loopguard reports. Fingerprints identify a finding by kind, class, method and "
                + "operation, not by line; a baseline lists the known ones.</footer>\n</body>\n</html>\n");
        w.flush();
    }

    private static void summary(ReportData data, Writer w) throws IOException {
        w.write("<section id=\"summary\">\n<h2>Summary</h2>\n");
        Map<String, ReportData.KindCounts> counts = data.countsByKind();
        if (counts.isEmpty()) {
            w.write("<p class=\"none\">No findings.</p>\n");
        } else {
            boolean baseline = data.baseline().isPresent();
            w.write("<table class=\"counts\">\n<thead><tr><th>Kind</th><th class=\"num\">Sites</th>"
                    + (baseline ? "<th class=\"num\">New</th>" : "")
                    + "<th class=\"num\">Occurrences</th><th>Fails the run</th></tr></thead>\n<tbody>\n");
            for (Map.Entry<String, ReportData.KindCounts> e : counts.entrySet()) {
                String kind = e.getKey();
                ReportData.KindCounts c = e.getValue();
                w.write("<tr><td><a href=\"#" + Text.html(kind) + "\"><code>" + Text.html(kind) + "</code></a></td>"
                        + "<td class=\"num\">" + Text.count(c.sites()) + "</td>"
                        + (baseline ? "<td class=\"num\">" + Text.count(c.newSites()) + "</td>" : "")
                        + "<td class=\"num\">" + Text.count(c.occurrences()) + "</td><td>"
                        + (data.failOn().contains(kind) ? "yes" : "no") + "</td></tr>\n");
            }
            w.write("</tbody>\n</table>\n");
        }
        if (!data.omitted().isEmpty()) {
            w.write("<h3>Sites counted but not listed</h3>\n<p>An agent keeps the first 500 sites of each kind; it "
                    + "counted these beyond that without their stacks. They have no fingerprint, so a baseline cannot "
                    + "name them; fix the listed sites and run again to see them.</p>\n<ul class=\"notes\">\n");
            for (Map.Entry<String, ReportData.OmittedSites> e : data.omitted().entrySet()) {
                w.write("<li><code>" + Text.html(e.getKey()) + "</code>: " + Text.count(e.getValue().sites())
                        + " more sites, " + Text.count(e.getValue().occurrences()) + " occurrences</li>\n");
            }
            w.write("</ul>\n");
        }
        if (!data.agentErrors().isEmpty()) {
            w.write("<h3>Agent errors</h3>\n<p>Each turned one detector off; findings of that detector may be "
                    + "missing.</p>\n<ul class=\"errors\">\n");
            for (String e : data.agentErrors()) {
                w.write("<li><code>" + Text.html(e) + "</code></li>\n");
            }
            w.write("</ul>\n");
        }
        if (!data.extensions().isEmpty()) {
            w.write("<h3>Report notes</h3>\n<ul class=\"notes\">\n");
            for (Map.Entry<String, Map<String, Object>> e : data.extensions().entrySet()) {
                for (Map.Entry<String, Object> field : e.getValue().entrySet()) {
                    w.write("<li>" + Text.html(e.getKey()) + ": <code>" + Text.html(field.getKey()) + "</code> = <code>"
                            + Text.html(Text.clip(String.valueOf(field.getValue()), 2000)) + "</code></li>\n");
                }
            }
            w.write("</ul>\n");
        }
        w.write("</section>\n");
    }

    private static void problems(ReportData data, Writer w) throws IOException {
        if (data.problems().isEmpty()) {
            return;
        }
        w.write("<section id=\"problems\">\n<h2>Inputs that could not be read</h2>\n<p>The other inputs were merged; "
                + "findings of these are missing from this report.</p>\n");
        for (InputProblem p : data.problems()) {
            w.write("<div class=\"problem\"><h3><code>" + Text.html(p.input()) + "</code></h3><pre>"
                    + Text.html(Text.clip(p.message(), 20_000)) + "</pre></div>\n");
        }
        w.write("</section>\n");
    }

    private void findings(ReportData data, Writer w) throws IOException {
        Map<String, List<MergedFinding>> byKind = new LinkedHashMap<>();
        for (MergedFinding f : data.findings()) {
            byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<String, List<MergedFinding>> e : byKind.entrySet()) {
            KindInfo info = KindInfo.of(e.getKey());
            List<MergedFinding> all = e.getValue();
            List<MergedFinding> list = new ArrayList<>(all);
            list.sort(java.util.Comparator.comparingInt(f -> Text.rank(data, f)));
            w.write("<section class=\"kind\" id=\"" + Text.html(info.kind) + "\">\n<h2>" + Text.html(info.title)
                    + " <span class=\"sub\"><code>" + Text.html(info.kind) + "</code>, "
                    + Text.plural(all.size(), "site", "sites") + "</span></h2>\n<p class=\"kinddesc\">"
                    + Text.html(info.fullDescription) + " <a href=\"" + Text.html(options.docsBaseUri() + info.kind
                    + ".md") + "\">More about " + Text.html(info.kind) + "</a>.</p>\n");
            int shown = Math.min(list.size(), DETAILED_PER_KIND);
            for (int i = 0; i < shown; i++) {
                finding(data, list.get(i), w);
            }
            int listed = Math.min(list.size(), DETAILED_PER_KIND + LISTED_PER_KIND);
            if (listed > shown) {
                w.write("<h3>" + Text.plural(listed - shown, "more site", "more sites") + " of this kind</h3>\n"
                        + "<table class=\"compact\"><thead><tr><th>Site</th><th>Operation</th><th class=\"num\">Count</th>"
                        + "<th>Thread</th><th>Status</th></tr></thead><tbody>\n");
                for (int i = shown; i < listed; i++) {
                    MergedFinding f = list.get(i);
                    w.write("<tr><td><code>" + Text.html(f.location()) + "</code></td><td><code>"
                            + Text.html(f.operation()) + "</code></td><td class=\"num\">" + Text.count(f.count())
                            + "</td><td>" + Text.html(f.threads().isEmpty() ? "" : f.threads().get(0)) + "</td><td>"
                            + (data.isKnown(f) ? "known" : "new") + "</td></tr>\n");
                }
                w.write("</tbody></table>\n");
            }
            if (list.size() > listed) {
                w.write("<p class=\"more\">" + Text.plural(list.size() - listed, "more site", "more sites")
                        + " of this kind are not shown, to keep this page quick to open; the JUnit XML lists every "
                        + "one.</p>\n");
            }
            w.write("</section>\n");
        }
    }

    private static void finding(ReportData data, MergedFinding f, Writer w) throws IOException {
        boolean known = data.isKnown(f);
        boolean failing = !known && data.failOn().contains(f.kind());
        w.write("<details class=\"finding" + (failing ? " failing" : known ? " known" : "") + "\" id=\"f-"
                + f.fingerprint() + "\"><summary>");
        w.write("<span class=\"badge " + (known ? "known\">known" : failing ? "fail\">new, fails" : "new\">new")
                + "</span> <code class=\"site\">" + Text.html(f.location() == null ? "(no frame)" : f.location())
                + "</code>");
        if (f.operation() != null) {
            w.write(" <span class=\"op\">" + Text.html(f.operation()) + "</span>");
        }
        w.write(" <span class=\"count\">× " + Text.count(f.count()) + "</span>");
        if (!f.threads().isEmpty()) {
            w.write(" <span class=\"thread\">on " + Text.html(f.threads().get(0))
                    + (f.threads().size() > 1 ? " +" + (f.threads().size() - 1) : "") + "</span>");
        }
        w.write("</summary>\n<div class=\"body\">\n<p class=\"msg\">" + Text.html(Text.clip(f.message(), 5000))
                + "</p>\n");
        if (f.advice() != null) {
            w.write("<p class=\"advice\"><strong>Instead:</strong> " + Text.html(f.advice()) + "</p>\n");
        }
        w.write("<dl>\n");
        item(w, "Threads", String.join(", ", f.threads()));
        item(w, "Tests", String.join(", ", f.tests()));
        item(w, "Occurrences", Text.count(f.count()));
        item(w, "First seen", Text.time(f.firstSeen()));
        item(w, "Last seen", Text.time(f.lastSeen()));
        if (f.durationMillis() != null) {
            item(w, "Longest", Text.count(f.durationMillis()) + " ms");
        }
        item(w, "Created at", f.createdAt());
        item(w, "Discarded at", f.discardedAt());
        item(w, "Reason", f.reason());
        item(w, "Exception", f.exception() == null ? null : f.exception().toString());
        item(w, "Return type", f.returnType());
        item(w, "Controller", f.controller());
        item(w, "Loop", f.loop());
        item(w, "Also at", String.join(", ", f.otherSites()));
        item(w, "Inputs", String.join(", ", f.inputs()));
        item(w, "Fingerprint", f.fingerprint());
        w.write("</dl>\n");
        stack(w, "Stack", f.stack());
        if (f.exception() != null && !f.exception().stack().equals(f.stack())) {
            stack(w, "Exception stack", f.exception().stack());
        }
        w.write("</div>\n</details>\n");
    }

    private static void stack(Writer w, String label, List<String> frames) throws IOException {
        if (frames.isEmpty()) {
            return;
        }
        w.write("<p class=\"stacklabel\">" + label + "</p><pre class=\"stack\">");
        int n = Math.min(frames.size(), MAX_STACK_FRAMES);
        for (int i = 0; i < n; i++) {
            w.write("at " + Text.html(frames.get(i)) + "\n");
        }
        if (frames.size() > n) {
            w.write("… " + (frames.size() - n) + " more frames\n");
        }
        w.write("</pre>\n");
    }

    private static void item(Writer w, String name, String value) throws IOException {
        if (value == null || value.isEmpty()) {
            return;
        }
        w.write("<dt>" + name + "</dt><dd>" + Text.html(Text.clip(value, 5000)) + "</dd>\n");
    }

    private static void controllers(ReportData data, Writer w) throws IOException {
        if (data.controllers().isEmpty()) {
            return;
        }
        w.write("<section id=\"controllers\">\n<h2>Controller profile</h2>\n<table class=\"profile\"><thead><tr>"
                + "<th>Controller</th><th class=\"num\">Loops</th><th class=\"num\">Mean ms</th>"
                + "<th class=\"num\">p50 ms</th><th class=\"num\">p99 ms</th><th class=\"num\">Max ms</th>"
                + "<th class=\"num\">Failures</th><th class=\"num\">Slow loops</th><th>Last error</th></tr></thead>"
                + "<tbody>\n");
        for (ControllerProfile c : data.controllers()) {
            w.write("<tr" + (c.failures() > 0 || c.slowLoops() > 0 ? " class=\"attention\"" : "") + "><td>"
                    + Text.html(c.name()) + (c.inputs() > 1 ? " <span class=\"sub\">(" + c.inputs() + " inputs)</span>"
                    : "") + "</td><td class=\"num\">" + Text.count(c.loops()) + "</td><td class=\"num\">"
                    + SvgChart.number(c.meanMillis()) + "</td><td class=\"num\">" + SvgChart.number(c.p50Millis())
                    + "</td><td class=\"num\">" + SvgChart.number(c.p99Millis()) + "</td><td class=\"num\">"
                    + SvgChart.number(c.maxMillis()) + "</td><td class=\"num\">" + Text.count(c.failures())
                    + "</td><td class=\"num\">" + Text.count(c.slowLoops()) + "</td><td><code>"
                    + Text.html(Text.clip(c.lastError(), 500)) + "</code></td></tr>\n");
        }
        w.write("</tbody></table>\n<p class=\"note\">Merged over inputs: loops, failures and slow loops are summed, "
                + "the mean is weighted by loops; p50, p99 and max are the highest any input reported.</p>\n"
                + "</section>\n");
    }

    private static void benchmarks(ReportData data, Writer w) throws IOException {
        if (data.benchmarks().isEmpty()) {
            return;
        }
        BenchmarkAnalysis analysis = new BenchmarkAnalysis(data.benchmarks());
        w.write("<section id=\"benchmarks\">\n<h2>Benchmarks</h2>\n");
        int chart = 0;
        for (BenchmarkAnalysis.Study study : analysis.studies) {
            w.write("<div class=\"study\">\n<h3>" + Text.html(study.title()) + "</h3>\n");
            StringBuilder svg = new StringBuilder();
            SvgChart.render(study, "chart" + chart++, svg);
            w.write(svg.toString());
            w.write("<p class=\"note\">L = " + SvgChart.number(study.latencyMillis) + " ms per task. Points are "
                    + "JMH's scores (" + Text.html(study.mode) + ") with their 99.9% confidence interval; dashed "
                    + "lines are each method's ideal.</p>\n");
            if (study.duplicates > 0) {
                w.write("<p class=\"note\">" + Text.plural(study.duplicates, "more result", "more results")
                        + " for the same method, N and parameters " + (study.duplicates == 1 ? "was" : "were")
                        + " given (repeated runs or other inputs); the first given of each is shown. Pass one "
                        + "run's results per report to compare runs.</p>\n");
            }
            efficiency(study, w);
            w.write("</div>\n");
        }
        for (Map.Entry<String, List<BenchmarkResult>> e : analysis.others.entrySet()) {
            w.write("<div class=\"study\">\n<h3>" + Text.html(e.getKey()) + "</h3>\n");
            plainTable(e.getValue(), w);
            w.write("</div>\n");
        }
        w.write("</section>\n");
    }

    private static void efficiency(BenchmarkAnalysis.Study study, Writer w) throws IOException {
        w.write("<table class=\"efficiency\"><caption>Score (" + Text.html(study.unit) + ") and efficiency "
                + "(ideal / measured) by N</caption><thead><tr><th>Method</th>");
        for (long n : study.ns) {
            w.write("<th class=\"num\">N = " + Text.count(n) + "</th>");
        }
        w.write("</tr></thead><tbody>\n");
        int index = 0;
        for (Map.Entry<String, Map<Long, BenchmarkResult>> e : study.byMethod.entrySet()) {
            w.write("<tr><td><span class=\"swatch\" style=\"background:" + SvgChart.colour(index++) + "\"></span>"
                    + Text.html(e.getKey()) + "</td>");
            for (long n : study.ns) {
                BenchmarkResult r = e.getValue().get(n);
                if (r == null) {
                    w.write("<td class=\"num\">–</td>");
                    continue;
                }
                double ideal = study.ideal(e.getKey(), n);
                String eff = Double.isFinite(ideal) && r.score() > 0
                        ? String.format(java.util.Locale.ROOT, "%.0f%%", 100 * ideal / r.score()) : "";
                w.write("<td class=\"num\">" + SvgChart.number(r.score())
                        + (Double.isFinite(r.scoreError()) ? " <span class=\"err\">± " + SvgChart.number(r.scoreError())
                        + "</span>" : "") + (eff.isEmpty() ? "" : "<br><span class=\"eff\">" + eff + "</span>")
                        + "</td>");
            }
            w.write("</tr>\n");
        }
        Map<Long, Double> speedUp = study.speedUp();
        if (!speedUp.isEmpty()) {
            w.write("<tr class=\"speedup\"><td>speed-up, gathered over sequential</td>");
            for (long n : study.ns) {
                Double s = speedUp.get(n);
                w.write("<td class=\"num\">" + (s == null ? "–" : SvgChart.number(s) + "×") + "</td>");
            }
            w.write("</tr>\n");
        }
        w.write("</tbody></table>\n");
    }

    private static void plainTable(List<BenchmarkResult> results, Writer w) throws IOException {
        List<String> paramNames = results.stream().flatMap(r -> r.params().keySet().stream()).distinct()
                .collect(Collectors.toList());
        List<String> secondary = results.stream().flatMap(r -> r.secondaryMetrics().keySet().stream())
                .filter(m -> m.equals("gc.alloc.rate.norm")).distinct().collect(Collectors.toList());
        w.write("<table class=\"plain\"><thead><tr><th>Method</th>");
        for (String p : paramNames) {
            w.write("<th>" + Text.html(p) + "</th>");
        }
        w.write("<th>Mode</th><th class=\"num\">Score</th><th class=\"num\">± 99.9%</th><th>Unit</th>");
        for (String m : secondary) {
            w.write("<th class=\"num\">" + Text.html(m) + "</th>");
        }
        w.write("</tr></thead><tbody>\n");
        for (BenchmarkResult r : results) {
            w.write("<tr><td>" + Text.html(r.method()) + "</td>");
            for (String p : paramNames) {
                w.write("<td>" + Text.html(r.params().getOrDefault(p, "")) + "</td>");
            }
            w.write("<td>" + Text.html(r.mode()) + "</td><td class=\"num\">" + SvgChart.number(r.score())
                    + "</td><td class=\"num\">" + SvgChart.number(r.scoreError()) + "</td><td>" + Text.html(r.unit())
                    + "</td>");
            for (String m : secondary) {
                BenchmarkResult.Metric metric = r.secondaryMetrics().get(m);
                w.write("<td class=\"num\">" + (metric == null ? "" : SvgChart.number(metric.score()) + " "
                        + Text.html(metric.unit())) + "</td>");
            }
            w.write("</tr>\n");
        }
        w.write("</tbody></table>\n");
    }

    private static final String CSS = String.join("\n",
            ":root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--fail:#cf222e;"
                    + "--pass:#1a7f37;--warn:#9a6700;--known:#6e7781}",
            "*{box-sizing:border-box}",
            "body{margin:0;color:var(--fg);background:var(--bg);font:15px/1.5 system-ui,-apple-system,'Segoe UI',"
                    + "Roboto,'Helvetica Neue',Arial,sans-serif}",
            "header,nav,main,footer{max-width:1180px;margin:0 auto;padding:0 24px}",
            "header{padding-top:20px}",
            "h1{font-size:26px;margin:0 0 8px}h2{font-size:21px;margin:28px 0 8px;border-bottom:1px solid var(--line);"
                    + "padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}",
            ".status{font-weight:600;font-size:17px;padding:8px 12px;border-radius:6px;border-left:6px solid}",
            ".status.fail{color:var(--fail);background:#ffebe9}.status.pass{color:var(--pass);background:#dafbe1}"
                    + ".status.warn{color:var(--warn);background:#fff8c5}",
            ".meta,.note,.kinddesc,footer{color:var(--muted);font-size:13.5px}",
            "nav{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding-top:6px;"
                    + "padding-bottom:6px;z-index:1;font-size:14px}",
            "nav a{margin-right:14px;white-space:nowrap}",
            "a{color:#0969da}",
            "code,pre{font-family:ui-monospace,SFMono-Regular,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
                    + "font-size:13px}",
            "table{border-collapse:collapse;margin:8px 0 12px;font-size:14px}",
            "th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}",
            "th{background:var(--soft);font-weight:600}td.num,th.num{text-align:right;white-space:nowrap;"
                    + "font-variant-numeric:tabular-nums}",
            "caption{text-align:left;color:var(--muted);font-size:13px;padding-bottom:4px;white-space:nowrap}",
            "table.compact td,table.plain td{word-break:break-word}",
            "details.finding{border:1px solid var(--line);border-left:4px solid #8c959f;border-radius:6px;"
                    + "margin:6px 0;background:var(--bg)}",
            "details.finding.failing{border-left-color:var(--fail)}details.finding.known{border-left-color:"
                    + "var(--known);opacity:.85}",
            "details.finding>summary{cursor:pointer;padding:6px 10px 6px 28px;list-style:none;position:relative;"
                    + "overflow-wrap:anywhere}",
            "details.finding>summary::-webkit-details-marker{display:none}",
            "details.finding>summary::before{content:'\\25B8';position:absolute;left:10px;color:var(--muted)}",
            "details.finding[open]>summary::before{content:'\\25BE'}",
            "details.finding[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}",
            ".site{font-weight:600}.op{color:var(--muted)}.count{font-variant-numeric:tabular-nums;font-weight:600}"
                    + ".thread{color:var(--muted);font-size:13px}",
            ".badge{display:inline-block;font-size:11.5px;font-weight:600;padding:0 7px;border-radius:10px;"
                    + "border:1px solid;vertical-align:1px}",
            ".badge.fail{color:var(--fail)}.badge.new{color:var(--warn)}.badge.known{color:var(--known)}",
            ".body{padding:4px 14px 10px}.msg{margin:6px 0}.advice{margin:6px 0;padding:6px 10px;background:#ddf4ff;"
                    + "border-radius:4px}",
            "dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0;font-size:14px}",
            "dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}",
            ".stacklabel{margin:8px 0 2px;color:var(--muted);font-size:13px}",
            "pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:8px 10px;overflow:auto;"
                    + "white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}",
            ".sub{font-weight:400;color:var(--muted);font-size:14px}",
            "tr.attention td:first-child{border-left:4px solid var(--warn)}",
            "svg.chart{width:100%;max-width:900px;height:auto;display:block;margin:6px 0;font-size:12px}",
            "svg .gridline{stroke:#e6e8eb;stroke-width:1}svg .axis{stroke:#57606a;stroke-width:1}",
            "svg text{fill:#424a53;font-family:inherit}svg .label{fill:#24292f;font-size:12.5px}",
            "svg .series{stroke-width:2}svg .ideal{stroke-dasharray:6 4;stroke-width:1.5;opacity:.75}"
                    + "svg .err{stroke-width:1.2}",
            ".swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}",
            ".eff{color:var(--muted);font-size:12.5px}.err{color:var(--muted)}tr.speedup td{font-weight:600}",
            ".study{break-inside:avoid}",
            "footer{padding-top:24px;padding-bottom:24px}",
            "@media (max-width:700px){header,nav,main,footer{padding:0 10px}dl{grid-template-columns:1fr}}",
            "@media print{body{font-size:11pt}nav{display:none}header,main,footer{max-width:none;padding:0}"
                    + "details.finding,table,.study,svg{break-inside:avoid}a{color:inherit;text-decoration:none}"
                    + ".status{border:1px solid;background:none!important}pre{white-space:pre-wrap}"
                    + "details.finding.known{opacity:1}}",
            "");
}
