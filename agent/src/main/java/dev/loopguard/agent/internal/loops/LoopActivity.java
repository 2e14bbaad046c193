package dev.loopguard.agent.internal.loops;

import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.blocking.BlockingCallDetector;
import dev.loopguard.agent.BlockingCallException;
import dev.loopguard.agent.bootstrap.Bridge;

/**
 * Receives the {@link Bridge}'s calls. The fast path, taken on every thread that is not an event loop, is one
 * thread-local lookup and one field read; everything else happens only on event-loop threads.
 */
public final class LoopActivity implements Bridge.Sink {
    private final AgentRuntime runtime;
    private final ThreadClassifier threads;
    private final BlockingCallDetector blocking;

    public LoopActivity(AgentRuntime runtime, BlockingCallDetector blocking) {
        this.runtime = runtime;
        this.threads = runtime.threads();
        this.blocking = blocking;
    }

    @Override
    public int enterBlocking(String operation, int flags, Object subject) {
        ThreadState s = threads.current();
        if (!s.isLoop() || s.inAgent) {
            return 0;
        }
        int knownSite = s.knownSite;
        if (knownSite != 0) {
            s.knownSite = 0; // this hook's, or stale: it is never read again
        }
        if (s.blockingDepth++ > 0 || s.idleDepth > 0 || s.exemptDepth > 0
                || !runtime.detectorEnabled(BlockingCallDetector.NAME)) {
            return 1;
        }
        BlockingCallException toThrow = null;
        s.inAgent = true;
        try {
            toThrow = blocking.onBlocking(s, operation, flags, subject, knownSite);
        } catch (Throwable e) {
            runtime.detectorFailed(BlockingCallDetector.NAME, e);
        } finally {
            s.inAgent = false;
        }
        if (toThrow != null) {
            s.blockingDepth--;
            throw toThrow;
        }
        return 1;
    }

    @Override
    public void exitBlocking(int token) {
        ThreadState s = threads.current();
        if (s.blockingDepth > 0) {
            s.blockingDepth--;
        }
    }

    @Override
    public void knownSite(Object receiver, int site) {
        ThreadState s = threads.current();
        if (s.isLoop() && !s.inAgent && blocking.expects(site, receiver)) {
            s.knownSite = site;
        }
    }

    @Override
    public void halting() {
        runtime.halting();
    }

    @Override
    public Object enterIdle() {
        ThreadState s = threads.current();
        if (!s.isLoop()) {
            return null;
        }
        if (s.idleDepth++ == 0) {
            s.becameIdle();
        }
        return s;
    }

    @Override
    public void exitIdle(Object token) {
        ThreadState s = (ThreadState) token;
        if (s.idleDepth > 0 && --s.idleDepth == 0) {
            s.becameBusy();
        }
    }

    /**
     * A {@code ThreadPoolExecutor} worker runs the task it was created with before it first waits for work: without
     * this, the first task a pool-based loop ever ran was no busy period, and no stall however long.
     */
    @Override
    public Object enterWorker() {
        ThreadState s = threads.current();
        if (!s.isLoop() || s.idleDepth > 0) {
            return null;
        }
        s.becameBusy();
        return s;
    }

    /** The worker is leaving (its pool shrank or shut down): no task runs on it any more. */
    @Override
    public void exitWorker(Object token) {
        ThreadState s = (ThreadState) token;
        if (s.idleDepth == 0) {
            s.becameIdle();
        }
    }

    @Override
    public int enterExempt() {
        ThreadState s = threads.current();
        if (!s.isLoop()) {
            return 0;
        }
        s.exemptDepth++;
        return 1;
    }

    @Override
    public void exitExempt(int token) {
        ThreadState s = threads.current();
        if (s.exemptDepth > 0) {
            s.exemptDepth--;
        }
    }

    @Override
    public int enterLoopThread(Object loop) {
        ThreadState s = threads.current();
        s.loopRuns++;
        if (!s.registered) {
            s.inAgent = true;
            try {
                threads.register(s);
            } finally {
                s.inAgent = false;
            }
        }
        return 1;
    }

    @Override
    public void exitLoopThread(int token) {
        ThreadState s = threads.current();
        if (s.loopRuns > 0) {
            s.loopRuns--;
        }
    }

    /** Reached only while the stall watchdog waits for some loop's next task start. */
    @Override
    public void startedTask() {
        threads.current().startedTask();
    }

    @Override
    public boolean isDeliberate(Throwable e) {
        return e instanceof BlockingCallException;
    }

    @Override
    public void failed(String where, Throwable e) {
        runtime.detectorFailed("bridge " + where, e);
    }
}
