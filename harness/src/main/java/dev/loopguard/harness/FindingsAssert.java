package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a test's {@link Findings}: {@code assertThat(findings).containsKind(LOST_TASK).hasNoOther()}.
 * Each assertion reads the findings anew. Failure messages list the findings with the text the test would fail with.
 *
 * @since 0.1.0
 */
public final class FindingsAssert extends AbstractAssert<FindingsAssert, Findings> {
    private final Set<FindingKind> named = EnumSet.noneOf(FindingKind.class);

    FindingsAssert(Findings actual) {
        super(actual, FindingsAssert.class);
    }

    /**
     * The test caused at least one finding of {@code kind}, at a site containing {@code site} when it is given. The
     * findings matched count as expected: they do not fail the test.
     */
    public FindingsAssert containsKind(FindingKind kind) {
        return containsKind(kind, "");
    }

    /** As {@link #containsKind(FindingKind)}, only findings whose site contains {@code site}. */
    public FindingsAssert containsKind(FindingKind kind, String site) {
        isNotNull();
        named.add(kind);
        List<Finding> all = actual.all();
        List<Finding> matched = new ArrayList<>();
        for (Finding f : all) {
            if (f.kind() == kind && f.site().orElse("").contains(site)) {
                matched.add(f);
            }
        }
        if (matched.isEmpty()) {
            failWithMessage("Expected a %s finding%s in this test, but it has %s", kind,
                    site.isEmpty() ? "" : " at a site containing '" + site + "'", describe(all));
        }
        matched.forEach(actual::claim);
        return this;
    }

    /** The test caused no finding of a kind other than those named by {@link #containsKind} so far. */
    public FindingsAssert hasNoOther() {
        isNotNull();
        List<Finding> others = new ArrayList<>();
        for (Finding f : actual.all()) {
            if (!named.contains(f.kind())) {
                others.add(f);
            }
        }
        if (!others.isEmpty()) {
            failWithMessage("Expected no findings %sin this test, but it has %s",
                    named.isEmpty() ? "" : "besides " + named + " ", describe(others));
        }
        return this;
    }

    /** The test caused no finding so far. */
    public FindingsAssert isEmpty() {
        isNotNull();
        List<Finding> all = actual.all();
        if (!all.isEmpty()) {
            failWithMessage("Expected no findings in this test, but it has %s", describe(all));
        }
        return this;
    }

    private static String describe(List<Finding> findings) {
        return findings.isEmpty() ? "none" : FailureMessage.of("this test", findings);
    }
}
