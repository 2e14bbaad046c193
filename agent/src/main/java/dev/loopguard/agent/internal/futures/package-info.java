/**
 * Task tracking: futures and tasks followed from creation to verdict (unhandled failures, lost tasks, ignored
 * futures), the call-site rewriter, rejection-policy analysis and the record field added to
 * {@code CompletableFuture}. Its hot paths are tuned and measured (docs/findings/task-tracking.md). Internal, not API.
 */
package dev.loopguard.agent.internal.futures;
