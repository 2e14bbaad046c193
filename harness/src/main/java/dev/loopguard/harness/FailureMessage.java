package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * Every message the extension shows about findings, in one place: a first line that says how many findings and where,
 * then each finding with its thread, what was called or thrown, the user's line, a stack trimmed to the user's code,
 * and what to do instead.
 */
final class FailureMessage {
    /** Frames of the agent, the test engine and reflection: never where the user's problem is. */
    private static final String[] NOISE = {
        "dev.loopguard.agent.", "org.junit.", "java.lang.reflect.", "jdk.internal.reflect.", "sun.reflect.",
        "jdk.proxy", "org.apache.maven.surefire.", "java.util.ArrayList.forEach", "java.util.stream."
    };
    private static final int MAX_FRAMES = 8;

    private FailureMessage() {
    }

    /** {@code 2 Loopguard findings in heaterTurnsOn(): BLOCKING_CALL Thread.sleep at Heater.java:42; ...}, then each. */
    static String of(String where, List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        out.append(count(findings)).append(" in ").append(where).append(": ").append(summary(findings));
        appendEach(out, findings, false);
        return out.toString();
    }

    /** Findings charged to tests of a class after those tests were judged. */
    static String late(String className, List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        out.append(count(findings)).append(" surfaced after their test ended, in ").append(className).append(": ")
                .append(summary(findings)).append(". They are charged to the test that created the work (named with"
                        + " each finding), not to the test running when they surfaced.");
        appendEach(out, findings, true);
        return out.toString();
    }

    /** One unmet expectation: what was expected, how many occurrences were found, and of what the test caused. */
    static String unmet(ExpectFinding expect, long found, List<Finding> findings) {
        StringBuilder out = new StringBuilder("expected ");
        if (expect.atMost() == Integer.MAX_VALUE) {
            out.append("at least ").append(expect.atLeast());
        } else if (expect.atLeast() == expect.atMost()) {
            out.append("exactly ").append(expect.atLeast());
        } else {
            out.append("between ").append(expect.atLeast()).append(" and ").append(expect.atMost());
        }
        out.append(' ').append(expect.value().name());
        if (!expect.site().isEmpty()) {
            out.append(" at a site containing '").append(expect.site()).append('\'');
        }
        out.append(", found ").append(found);
        List<String> others = new ArrayList<>();
        for (Finding f : findings) {
            if (f.kind() != expect.value() || found > 0) {
                continue;
            }
            others.add(f.site().orElse(f.thread()));
        }
        if (found == 0 && !others.isEmpty()) {
            out.append(" (").append(expect.value().name()).append(" elsewhere: ").append(String.join(", ", others))
                    .append(')');
        }
        return out.toString();
    }

    static String unmetHeader(String where, List<String> unmet) {
        return "Loopguard expectation" + (unmet.size() == 1 ? "" : "s") + " not met in " + where + ": "
                + String.join("; ", unmet) + ".";
    }

    private static String count(List<Finding> findings) {
        return findings.size() + (findings.size() == 1 ? " Loopguard finding" : " Loopguard findings");
    }

    private static String summary(List<Finding> findings) {
        List<String> parts = new ArrayList<>();
        for (Finding f : findings) {
            StringBuilder part = new StringBuilder(f.kind().name());
            f.operation().ifPresent(op -> part.append(' ').append(shortOperation(op)));
            f.exception().ifPresent(e -> part.append(' ').append(simpleName(e.type())));
            f.site().ifPresent(site -> part.append(" at ").append(fileAndLine(site)));
            parts.add(part.toString());
        }
        return String.join("; ", parts);
    }

    private static void appendEach(StringBuilder out, List<Finding> findings, boolean withTest) {
        int n = 1;
        for (Finding f : findings) {
            out.append("\n\n").append(n++).append(") ").append(f.kind().name());
            if (f.count() > 1) {
                out.append(" (x").append(f.count()).append(')');
            }
            out.append(" on thread '").append(f.thread()).append('\'');
            if (withTest) {
                out.append(", caused by test ").append(f.test().orElse("(none)"));
            }
            f.operation().ifPresent(op -> out.append("\n   operation: ").append(op));
            f.exception().ifPresent(e -> out.append("\n   exception: ").append(e.type())
                    .append(e.message().map(m -> ": " + m).orElse("")));
            f.site().ifPresent(site -> out.append("\n   at: ").append(site));
            f.loop().ifPresent(loop -> out.append("\n   event loop: ").append(loop));
            out.append("\n   ").append(f.message());
            List<String> stack = trimmed(f.exception().isPresent() ? f.exception().get().stack() : f.stack());
            if (!stack.isEmpty()) {
                out.append("\n   stack:");
                for (String frame : stack) {
                    out.append("\n     ").append(frame);
                }
            }
            f.advice().ifPresent(advice -> out.append("\n   instead: ").append(advice));
        }
    }

    static List<String> trimmed(List<String> stack) {
        List<String> kept = new ArrayList<>();
        for (String frame : stack) {
            if (!isNoise(frame)) {
                kept.add(frame);
                if (kept.size() == MAX_FRAMES) {
                    break;
                }
            }
        }
        return kept;
    }

    private static boolean isNoise(String frame) {
        for (String prefix : NOISE) {
            if (frame.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code java.lang.Thread.sleep} as {@code Thread.sleep}. */
    private static String shortOperation(String operation) {
        int method = operation.lastIndexOf('.');
        int type = method <= 0 ? -1 : operation.lastIndexOf('.', method - 1);
        return type < 0 ? operation : operation.substring(type + 1);
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** {@code com.acme.Heater.on(Heater.java:42)} as {@code Heater.java:42}. */
    private static String fileAndLine(String site) {
        int open = site.lastIndexOf('(');
        int close = site.lastIndexOf(')');
        return open >= 0 && close > open ? site.substring(open + 1, close) : site;
    }
}
