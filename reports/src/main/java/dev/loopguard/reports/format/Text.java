package dev.loopguard.reports.format;

import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Escaping and wording shared by the formats. Every string from an input is untrusted: an exception message can hold
 * markup, a thread name a control character, a site a lone surrogate.
 */
final class Text {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Text() {
    }

    /**
     * {@code s} with every character that XML 1.0 forbids, every other C0/C1 control character but tab, newline and
     * carriage return, and every unpaired surrogate shown as {@code \}{@code uXXXX}, so that it is visible and legal
     * in every format.
     */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c)) {
                ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (ok) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else if (Character.isLowSurrogate(c)) {
                ok = false;
            } else {
                ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7F) || (c > 0x9F && c < 0xFFFE);
            }
            if (!ok && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (ok) {
                    out.append(c);
                } else {
                    out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /** Printable, then escaped for HTML text and attribute values. */
    static String html(String s) {
        String p = printable(s);
        StringBuilder out = new StringBuilder(p.length() + 16);
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }

    /** At most {@code max} characters, with an ellipsis and how much was cut. */
    static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "… (" + (s.length() - end) + " more characters)";
    }

    static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A count with thousands separators, as people read it. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 1 site}, {@code 3 sites}. */
    static String plural(long n, String one, String many) {
        return count(n) + " " + (n == 1 ? one : many);
    }

    /** The short site: {@code Pump.run(Pump.java:41)} of {@code com.acme.Pump.run(Pump.java:41)}. */
    static String shortFrame(String frame) {
        if (frame == null) {
            return "";
        }
        int open = frame.indexOf('(');
        String head = open < 0 ? frame : frame.substring(0, open);
        int methodDot = head.lastIndexOf('.');
        int classDot = methodDot <= 0 ? -1 : head.lastIndexOf('.', methodDot - 1);
        return classDot < 0 ? frame : frame.substring(classDot + 1);
    }

    /** A one-line status: what decides pass or fail, in words. */
    static String status(ReportData data) {
        List<MergedFinding> failing = data.failing();
        StringBuilder s = new StringBuilder();
        if (!failing.isEmpty()) {
            s.append("FAILED: ").append(plural(failing.size(), "new finding", "new findings"))
                    .append(" of the kinds that fail the run (").append(String.join(", ", data.failOn())).append(')');
        } else if (data.failOn().isEmpty()) {
            s.append(data.findings().isEmpty() ? "PASSED: no findings"
                    : "PASSED: " + plural(data.findings().size(), "finding", "findings")
                    + ", none of a kind that fails the run (no --fail-on kinds)");
        } else {
            s.append("PASSED: no new findings of the kinds that fail the run (").append(String.join(", ",
                    data.failOn())).append(')');
        }
        if (!data.problems().isEmpty()) {
            s.append("; INCOMPLETE: ").append(plural(data.problems().size(), "input", "inputs"))
                    .append(" could not be read");
        }
        return s.toString();
    }

    /**
     * The order in which findings matter to a reader: those that fail the run, then other new ones, then known ones;
     * within each, by kind, then most frequent. Formats that must leave findings out leave out the tail.
     */
    static List<MergedFinding> byImportance(ReportData data) {
        List<MergedFinding> sorted = new ArrayList<>(data.findings());
        sorted.sort(Comparator.comparingInt((MergedFinding f) -> rank(data, f)));
        return sorted;
    }

    static int rank(ReportData data, MergedFinding f) {
        if (data.isKnown(f)) {
            return 2;
        }
        return data.failOn().contains(f.kind()) ? 0 : 1;
    }
}
