/**
 * Pinned virtual threads (JDK 21+), detected at run time from JFR events. Internal, not API.
 */
package dev.loopguard.agent.internal.vthreads;
