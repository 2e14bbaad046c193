package dev.loopguard.agent.internal.recording;

import dev.loopguard.agent.Finding;

/**
 * Adds what a feature knows about the thread that raised a finding before the recorder keeps it; the controllers
 * feature, for one, names the controller whose step the thread runs. A feature registers its enricher with
 * {@link FindingRecorder#addEnricher} when it is wired, so that the recorder depends on no feature.
 */
public interface FindingEnricher {

    /**
     * Called on the thread that raised {@code finding}, before it is merged, for every finding. Must be cheap and must
     * not throw: a failure here is a failure of the recorder, which then drops that finding.
     *
     * @return the finding with this feature's context added, or {@code finding} itself when there is none to add
     */
    Finding enrich(Finding finding);
}
