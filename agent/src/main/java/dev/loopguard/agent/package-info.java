/**
 * The agent's public API: {@link dev.loopguard.agent.LoopguardAgent} (install, findings, listeners, scopes,
 *  reports), {@link dev.loopguard.agent.Finding} and {@link dev.loopguard.agent.FindingKind}. Everything else in
 *  the agent jar is internal and may change in any release.
 */
package dev.loopguard.agent;
