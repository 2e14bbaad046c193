/**
 * Futures followed from the call site that created them to their verdict (unhandled failures, ignored futures): the
 * call-site rewriter of application classes, the tracker and its record stores (the record field added to
 * {@code CompletableFuture}, or an identity-hash table), and {@code TaskTracking}, which wires futures and the task
 * detectors of {@code tasks} into one set of hooks ({@code TaskInstrumenter} registers it). Its hot paths are tuned
 * and measured (docs/findings/task-tracking.md). Internal, not API.
 */
package dev.loopguard.agent.internal.futures;
