package dev.loopguard.agent;

/**
 * Thrown at a blocking call on an event-loop thread when the agent runs with {@code mode=throw}.
 *
 * <p>It is thrown before the blocking operation starts, from the entry of the public JDK method (or at the call
 * site in application code), so no JDK state has changed. It is never thrown from inside {@code LockSupport.park}
 * or from a contended {@code synchronized} block: those are only reported (see docs/agent.md, "Throw mode").
 * The message is the finding's message.
 */
public final class BlockingCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Finding finding;

    public BlockingCallException(Finding finding) {
        super(finding.message());
        this.finding = finding;
    }

    /** The finding this exception was thrown for (also in {@link LoopguardAgent#findings()}). */
    public Finding finding() {
        return finding;
    }
}
