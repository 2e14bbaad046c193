package dev.loopguard.agent.internal.recording;

/** A part of the report's {@code profile} object, written when the report is written. */
@FunctionalInterface
public interface ProfileSection {
    /** Writes exactly one JSON value (usually an object). */
    void writeJson(JsonWriter out);
}
