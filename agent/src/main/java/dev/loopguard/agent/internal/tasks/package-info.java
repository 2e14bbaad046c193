/**
 * Tasks that never run: lost tasks (the finding and its wording), tasks still pending on core's loops, tasks a
 * {@code ThreadPoolExecutor} rejected, and the bytecode analysis of application rejection handlers that decides
 * whether a handler keeps or drops the task ({@code RejectionHandlerAnalyzer}, its verdicts, and the lambda handlers
 * it links). Also the sampling that {@code tasks=sampled} applies to tasks and futures alike (the sampling window,
 * the per-site sampler, the tracking level). Used by {@code futures}, never the other way. Internal, not API.
 */
package dev.loopguard.agent.internal.tasks;
