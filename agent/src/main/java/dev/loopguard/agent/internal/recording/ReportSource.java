package dev.loopguard.agent.internal.recording;

import java.time.Instant;
import java.util.Map;

/** What a report is made of besides its findings; the running agent ({@code AgentRuntime}) implements it. */
public interface ReportSource {
    Instant startedAt();

    /** Every option with its effective value, for the report's {@code options} object. */
    Map<String, Object> effectiveOptions();

    FindingRecorder recorder();

    Map<String, ProfileSection> profileSections();

    /** Failures inside the agent, by detector or source. */
    Map<String, String> agentErrors();
}
