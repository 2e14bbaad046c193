/**
 * Blocking on an event-loop thread: the blocking-call detector and the hooks on the JDK's blocking methods, the
 * rewriter of native-method call sites, the known call sites (an application's own call of a watched method,
 * marked after its first finding so that its repeats are counted without a stack capture), and contended {@code synchronized} monitors (from JFR events, with a sampler
 * of loop threads' {@code BLOCKED} state until the event stream runs). Loop classification and per-thread state come
 * from {@code loops}. Internal, not API.
 */
package dev.loopguard.agent.internal.blocking;
