package dev.loopguard.agent.internal;

import dev.loopguard.agent.Finding;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The exit summary on stderr: one line per finding (kind, count, thread, the user's line), then what to do. */
final class ConsoleSummary {
    private ConsoleSummary() {
    }

    static void print(PrintStream out, List<Finding> findings, Path report) {
        if (findings.isEmpty()) {
            out.println("loopguard: no findings (report: " + report + ")");
            return;
        }
        out.println("loopguard: " + findings.size() + (findings.size() == 1 ? " finding" : " findings")
                + " (report: " + report + ")");
        for (Finding f : findings) {
            out.println(line(f));
            f.advice().ifPresent(a -> out.println("    fix: " + a));
        }
        out.flush();
    }

    static String line(Finding f) {
        StringBuilder b = new StringBuilder("  ").append(f.kind()).append(" x").append(f.count());
        f.operation().ifPresent(op -> b.append(' ').append(op));
        f.durationMillis().ifPresent(d -> b.append(' ').append(d).append(" ms"));
        b.append(" on '").append(f.thread()).append("' at ").append(f.site().orElse("(no application frame)"));
        return b.toString();
    }
}
