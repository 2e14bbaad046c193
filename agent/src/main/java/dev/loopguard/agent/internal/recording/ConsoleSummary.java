package dev.loopguard.agent.internal.recording;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The exit summary on stderr: one line per finding (kind, count, thread, the user's line), then what to do. Bounded:
 * at most {@link #MAX_FINDINGS_LISTED} findings are listed (two lines each), then one line for the rest, which are in
 * the report, and one line per kind whose sites went over the recorder's bound.
 */
public final class ConsoleSummary {
    static final int MAX_FINDINGS_LISTED = 100;

    private ConsoleSummary() {
    }

    /**
     * @param written       the file the report was written to, or null when it was not written
     * @param reportFailure why the report was not written (null when it was)
     */
    public static void print(PrintStream out, List<Finding> findings, Map<FindingKind, FindingRecorder.Omitted> omitted,
                      Path report, Path written, String reportFailure) {
        String where = written != null ? "report: " + written
                : "no report was written to " + report + ": " + reportFailure;
        long total = findings.size();
        for (FindingRecorder.Omitted o : omitted.values()) {
            total += o.sites();
        }
        if (total == 0) {
            out.println("loopguard: no findings (" + where + ")");
            out.flush();
            return;
        }
        out.println("loopguard: " + findings.size() + (findings.size() == 1 ? " finding" : " findings")
                + (omitted.isEmpty() ? "" : " kept of " + total) + " (" + where + ")");
        int listed = 0;
        for (Finding f : findings) {
            if (listed == MAX_FINDINGS_LISTED) {
                out.println("  ... and " + (findings.size() - listed) + " more findings"
                        + (written != null ? ", listed in the report" : ""));
                break;
            }
            out.println(line(f));
            f.advice().ifPresent(a -> out.println("    fix: " + printable(a)));
            listed++;
        }
        for (Map.Entry<FindingKind, FindingRecorder.Omitted> e : omitted.entrySet()) {
            out.println("  " + e.getKey() + ": and " + e.getValue().sites() + " more sites ("
                    + e.getValue().occurrences() + " occurrences), counted but not kept: the agent keeps the first "
                    + FindingRecorder.MAX_SITES_PER_KIND + " sites of each kind");
        }
        out.flush();
    }

    static String line(Finding f) {
        StringBuilder b = new StringBuilder("  ").append(f.kind()).append(" x").append(f.count());
        f.operation().ifPresent(op -> b.append(' ').append(op));
        f.durationMillis().ifPresent(d -> b.append(' ').append(d).append(" ms"));
        b.append(" on '").append(f.thread()).append("' at ").append(f.site().orElse("(no application frame)"));
        return printable(b.toString());
    }

    /** Control characters (a newline in a thread name, say) escaped, so each finding stays one line. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                b.append("\\u").append(String.format("%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
