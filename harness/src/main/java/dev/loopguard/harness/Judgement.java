package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Turns a test's findings into its outcome, by its configuration's failing kinds and mode. */
final class Judgement {
    private Judgement() {
    }

    static void judge(ExtensionContext context, String test, List<Finding> findings,
                      LoopguardConfiguration configuration) {
        if (findings.isEmpty() || configuration.mode == LoopguardConfiguration.Mode.RECORD) {
            return;
        }
        List<Finding> failing = new ArrayList<>();
        List<Finding> other = new ArrayList<>();
        for (Finding f : findings) {
            (configuration.failOn.contains(f.kind()) ? failing : other).add(f);
        }
        String where = context.getRequiredTestMethod().getName() + "()";
        if (!failing.isEmpty() && configuration.mode == LoopguardConfiguration.Mode.FAIL) {
            AssertionError error = new AssertionError(FailureMessage.of(where, failing));
            if (!other.isEmpty()) {
                warn(context, FailureMessage.of(where, other));
            }
            throw error;
        }
        List<Finding> all = new ArrayList<>(failing);
        all.addAll(other);
        warn(context, FailureMessage.of(where, all));
    }

    /** A report entry (IDEs and build tools show it with the test) and a copy on stderr. */
    static void warn(ExtensionContext context, String message) {
        context.publishReportEntry("loopguard", message);
        System.err.println("loopguard: " + message);
    }
}
