package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns a test's findings into its outcome: allowed blocking is set aside, each expectation is checked and takes the
 * findings it matches, and what is left fails or warns by the configuration's failing kinds and mode.
 */
final class Judgement {
    private Judgement() {
    }

    /** @param claimed what the test asserted it caused through its {@link Findings} parameter; may be null */
    static void judge(ExtensionContext context, List<Finding> all, LoopguardConfiguration configuration,
                      Findings claimed) {
        String where = context.getRequiredTestMethod().getName() + "()";
        List<Finding> findings = new ArrayList<>();
        for (Finding f : all) {
            if (!isAllowed(f, configuration.allowances) && (claimed == null || !claimed.isClaimed(f))) {
                findings.add(f);
            }
        }
        List<String> unmet = new ArrayList<>();
        for (ExpectFinding expect : configuration.expectations) {
            List<Finding> matched = new ArrayList<>();
            long occurrences = 0;
            for (Finding f : findings) {
                if (matches(expect, f)) {
                    matched.add(f);
                    occurrences += f.count();
                }
            }
            if (occurrences < expect.atLeast() || occurrences > expect.atMost()) {
                unmet.add(FailureMessage.unmet(expect, occurrences, findings));
            }
            findings.removeAll(matched); // expected findings never fail the test
        }
        if (configuration.mode == LoopguardConfiguration.Mode.RECORD) {
            throwIfUnmet(where, unmet, List.of());
            return;
        }
        List<Finding> failing = new ArrayList<>();
        List<Finding> other = new ArrayList<>();
        for (Finding f : findings) {
            (configuration.fails(f) ? failing : other).add(f);
        }
        if (configuration.mode == LoopguardConfiguration.Mode.FAIL) {
            if (!other.isEmpty()) {
                warn(context, FailureMessage.of(where, other));
            }
            throwIfUnmet(where, unmet, failing);
            if (!failing.isEmpty()) {
                throw new AssertionError(FailureMessage.of(where, failing));
            }
        } else {
            List<Finding> shown = new ArrayList<>(failing);
            shown.addAll(other);
            if (!shown.isEmpty()) {
                warn(context, FailureMessage.of(where, shown));
            }
            throwIfUnmet(where, unmet, List.of());
        }
    }

    /**
     * The findings that would fail the test if it ended now: of the failing kinds, neither allowed, nor matched by an
     * expectation, nor asserted through {@link Findings}; empty unless the mode is {@code FAIL}.
     */
    static List<Finding> failingNow(List<Finding> all, LoopguardConfiguration configuration, Findings claimed) {
        List<Finding> failing = new ArrayList<>();
        if (configuration.mode != LoopguardConfiguration.Mode.FAIL) {
            return failing;
        }
        for (Finding f : all) {
            if (configuration.fails(f) && !isAllowed(f, configuration.allowances)
                    && (claimed == null || !claimed.isClaimed(f)) && !isExpected(f, configuration.expectations)) {
                failing.add(f);
            }
        }
        return failing;
    }

    private static boolean isExpected(Finding f, List<ExpectFinding> expectations) {
        for (ExpectFinding expect : expectations) {
            if (matches(expect, f)) {
                return true;
            }
        }
        return false;
    }

    private static void throwIfUnmet(String where, List<String> unmet, List<Finding> failing) {
        if (unmet.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(FailureMessage.unmetHeader(where, unmet));
        if (!failing.isEmpty()) {
            message.append("\n\nBesides, ").append(FailureMessage.of(where, failing));
        }
        throw new AssertionError(message.toString());
    }

    private static boolean matches(ExpectFinding expect, Finding f) {
        return f.kind() == expect.value() && (expect.site().isEmpty() || f.site().orElse("").contains(expect.site()));
    }

    /** A blocking call whose stack passes through an allowed method (a lambda counting as its enclosing method). */
    static boolean isAllowed(Finding f, List<AllowBlocking> allowances) {
        if (f.kind() != FindingKind.BLOCKING_CALL || allowances.isEmpty()) {
            return false;
        }
        for (String frame : f.stack()) {
            int paren = frame.indexOf('(');
            String qualified = paren < 0 ? frame : frame.substring(0, paren);
            int slash = qualified.lastIndexOf('/'); // a module or class-loader prefix, if any
            qualified = qualified.substring(slash + 1);
            int dot = qualified.lastIndexOf('.');
            if (dot < 0) {
                continue;
            }
            String type = qualified.substring(0, dot);
            String method = qualified.substring(dot + 1);
            for (AllowBlocking allow : allowances) {
                if (allow.type().getName().equals(type) && (allow.method().equals("*")
                        || method.equals(allow.method()) || method.startsWith("lambda$" + allow.method() + "$"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A report entry (IDEs and build tools show it with the test) and a copy on stderr. */
    static void warn(ExtensionContext context, String message) {
        context.publishReportEntry("loopguard", message);
        System.err.println("loopguard: " + message);
    }
}
