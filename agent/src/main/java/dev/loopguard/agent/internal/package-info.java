/**
 * The agent's start-up and what every detector shares: the entry class and installer ({@code AgentEntry},
 * {@code AgentInstaller}, the bootstrap injector), the options and their duration syntax, the running
 * {@code AgentRuntime}, the {@code DetectorContext} every detector is wired with, the test scopes findings are
 * charged to, and the rule for which stack frames are the application's. Each detector lives in its own package
 * beside this one: {@code blocking}, {@code loops}, {@code futures}, {@code tasks}, {@code controllers},
 * {@code vthreads}; {@code recording} keeps and writes the findings, and {@code weaving} weaves the hooks. Internal,
 * not API: nothing here or below is stable between releases.
 *
 * <p>Why the agent's code looks older than the rest of the project: code on the start-up path (everything
 * {@code premain} or a hook's first call reaches) avoids records and lambdas or method references, because each
 * bootstraps {@code java.lang.invoke} on first use, which costs tens of milliseconds of every JVM's start-up
 * (docs/agent.md, "Startup cost"). For the same reason the module compiles string concatenation to
 * {@code StringBuilder} calls ({@code -XDstringConcat=inline} in its POM) rather than {@code invokedynamic}. Code
 * that runs only after a finding or at exit may use them. Keep it that way; measure with {@code StartupCostRun}
 * (CONTRIBUTING.md) before changing it.
 */
package dev.loopguard.agent.internal;
