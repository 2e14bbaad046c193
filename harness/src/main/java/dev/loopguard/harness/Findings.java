package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.FindingScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.AssertProvider;

/**
 * The findings charged to the current test so far, as a {@link Loopguard} test parameter; read again on every call.
 *
 * <pre>{@code
 * @Test
 * void abandonsTheReminder(Findings findings) {
 *     scheduler.shutdownNow();
 *     assertThat(findings).containsKind(LOST_TASK).hasNoOther();
 * }
 * }</pre>
 *
 * <p>A finding that {@link FindingsAssert#containsKind} matched is one the test expected: like one matched by
 * {@link ExpectFinding}, it does not fail the test when it is judged. Findings settled at the test's end (tasks left
 * queued, failures found by the collection) are not here yet while the test runs.
 *
 * @since 0.1.0
 */
public final class Findings implements AssertProvider<FindingsAssert> {
    private final FindingScope scope;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    Findings(FindingScope scope) {
        this.scope = scope;
    }

    /** The findings charged to this test so far, oldest first. */
    public List<Finding> all() {
        return scope.findings();
    }

    /** Those of {@code kind}. */
    public List<Finding> ofKind(FindingKind kind) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : all()) {
            if (f.kind() == kind) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public FindingsAssert assertThat() {
        return new FindingsAssert(this);
    }

    /** The test asserted that it caused {@code finding}: it does not fail the test. */
    void claim(Finding finding) {
        claimed.add(key(finding));
    }

    boolean isClaimed(Finding finding) {
        return claimed.contains(key(finding));
    }

    private static String key(Finding f) {
        return f.kind() + "|" + f.site().orElse("") + "|" + f.thread() + "|" + f.operation().orElse("");
    }

    @Override
    public String toString() {
        return "Findings of " + scope.name() + ": " + all();
    }
}
