/**
 * What happens to a finding once a detector has built it: the {@code FindingRecorder} (merging by kind, site and test
 * scope, bounded per kind, with the enrichers features register and the listeners of the public API), its JFR events,
 * and the outputs: the JSON report written atomically to a checked regular file ({@code ReportFile},
 * {@code ReportWriter}, {@code JsonWriter}, the {@code ProfileSection}s features add) and the console summary at exit.
 * Depends on no detector. Internal, not API.
 */
package dev.loopguard.agent.internal.recording;
