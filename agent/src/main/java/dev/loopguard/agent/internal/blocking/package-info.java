/**
 * Blocking on an event-loop thread: the blocking-call detector and the hooks on the JDK's blocking methods, the
 * rewriter of native-method call sites, and contended {@code synchronized} monitors (from JFR events, with a sampler
 * of loop threads' {@code BLOCKED} state until the event stream runs). Loop classification and per-thread state come
 * from {@code loops}. Internal, not API.
 */
package dev.loopguard.agent.internal.blocking;
