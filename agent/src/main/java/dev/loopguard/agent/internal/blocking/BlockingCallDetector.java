package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.internal.AgentOptions;
import dev.loopguard.agent.internal.StackFrames;
import dev.loopguard.agent.internal.loops.Messages;
import dev.loopguard.agent.internal.loops.ThreadState;
import dev.loopguard.agent.internal.recording.FindingRecorder;
import dev.loopguard.agent.BlockingCallException;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.bootstrap.Bridge;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a potentially blocking call on an event-loop thread is a finding, and records it. Runs only on the
 * slow path: the thread is an event loop, outside its idle wait, outside class loading, at the outermost blocking
 * method.
 */
public final class BlockingCallDetector {
    public static final String NAME = "blocking";

    private final DetectorContext context;
    private final List<AgentOptions.MethodRef> allow;
    private final boolean throwMode;
    /** Stacks seen before, by {@link #fingerprint}; bounded, after which new stacks take the full path every time. */
    private final Map<Long, KnownStack> knownStacks = new ConcurrentHashMap<>();
    static final int MAX_KNOWN_STACKS = 4096;

    /**
     * Call sites marked in the application's classes as they load, armed by their first finding, whose repeats are
     * counted without a stack capture; null when marks are not used ({@link KnownCallSites#usable}).
     */
    private final KnownCallSites knownSites;

    public BlockingCallDetector(DetectorContext context, AgentOptions options) {
        this(context, options, null);
    }

    public BlockingCallDetector(DetectorContext context, AgentOptions options, KnownCallSites knownSites) {
        this.context = context;
        this.allow = options.allow();
        this.throwMode = options.mode() == AgentOptions.Mode.THROW;
        this.knownSites = KnownCallSites.usable(options) ? knownSites : null;
    }

    /** Whether a marked call with this receiver is the known site's call (see {@link KnownCallSites}). */
    public boolean expects(int site, Object receiver) {
        return knownSites != null && knownSites.expects(site, receiver);
    }

    /**
     * Records a finding when the call is blocking; returns the exception to throw in throw mode, else null.
     * {@code knownSite} is the id of the armed call site this call was made from, 0 when none.
     */
    public BlockingCallException onBlocking(ThreadState state, String fallbackOperation, int flags, Object subject,
                                            int knownSite) {
        if (!isReallyBlocking(flags, subject)) {
            return null;
        }
        if (knownSite != 0 && knownSites != null) {
            KnownCallSites.Site site = knownSites.site(knownSite);
            if (site != null && site.matches(fallbackOperation, flags, state.thread)) {
                // The application's own call of this watched method, at a line whose first occurrence was this
                // finding: the same verdict and finding, known without capturing the stack.
                context.repeat(site.finding, site.key);
                return null;
            }
        }
        StackTraceElement[] stack = new Throwable().getStackTrace();
        String thread = state.thread.getName();
        long fingerprint = fingerprint(stack, thread, flags);
        KnownStack known = knownStacks.get(fingerprint);
        if (known != null) {
            // The same thread at the same stack again: the verdict and the finding are the same as last time, so
            // only the count moves. Everything below (rendering the stack, the message, the merge) is skipped.
            if (known.finding == null) {
                return null;
            }
            context.repeat(known.finding, known.key);
            return throwMode && flags != Bridge.PARK ? new BlockingCallException(known.finding) : null;
        }
        if (StackFrames.isClassLoading(stack) || StackFrames.isJdkClassInitialization(stack) || isAllowed(stack)) {
            remember(fingerprint, null);
            return null;
        }
        StackTraceElement[] frames = Arrays.copyOfRange(stack, StackFrames.firstNonAgentFrame(stack), stack.length);
        if (flags == Bridge.PARK && StackFrames.isQueueLockForInsert(frames)) {
            // Handing work off (execute, runAsync) queues it under a lock another producer may hold for an insert:
            // the advice this agent gives, not a blocking call. Waiting for room in a full queue stays one.
            remember(fingerprint, null);
            return null;
        }
        String operation = StackFrames.publicOperation(frames, fallbackOperation);
        String site = StackFrames.applicationSite(frames);
        if (site == null) {
            // Only JDK and framework frames: the framework's own bookkeeping (a pool worker exiting), no line the
            // user could change.
            remember(fingerprint, null);
            return null;
        }
        boolean waits = flags == Bridge.PARK || operation.endsWith(".wait") || operation.endsWith(".join");
        Finding finding = Finding.builder(FindingKind.BLOCKING_CALL)
                .thread(thread)
                .operation(operation)
                .site(site)
                .stack(StackFrames.render(frames))
                .message(Messages.blocking(operation, thread, site))
                .advice(Messages.adviceFor(operation, waits))
                .loop(state.loopName)
                .build();
        if (context.record(finding)) {
            KnownStack remembered = remember(fingerprint, finding);
            if (knownSites != null && remembered != null) {
                knownSites.learn(finding, remembered.key, fallbackOperation, flags, thread);
            }
        }
        // Never throw from inside LockSupport.park: it runs in the middle of AQS queue bookkeeping.
        return throwMode && flags != Bridge.PARK ? new BlockingCallException(finding) : null;
    }

    /**
     * A 64-bit digest of the thread's name and every frame (class, method, line) of the stack: two occurrences with
     * the same digest get the same verdict and the same finding. A collision would count an occurrence at the wrong
     * site, with a probability of about n^2 / 2^65 for n distinct stacks.
     */
    static long fingerprint(StackTraceElement[] stack, String thread, int flags) {
        long h = 0x9E3779B97F4A7C15L ^ flags;
        h = mix(h, thread.hashCode());
        for (StackTraceElement e : stack) {
            h = mix(h, e.getClassName().hashCode());
            h = mix(h, e.getMethodName().hashCode());
            h = mix(h, e.getLineNumber());
        }
        return h;
    }

    private static long mix(long h, int v) {
        h = (h ^ v) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    /** Remembers the stack's verdict; returns the entry when it is new. */
    private KnownStack remember(long fingerprint, Finding finding) {
        if (knownStacks.size() < MAX_KNOWN_STACKS) {
            KnownStack entry = new KnownStack(finding);
            if (knownStacks.putIfAbsent(fingerprint, entry) == null) {
                return entry;
            }
        }
        return null;
    }

    /** A stack seen before: its finding (null when it was not one: allowed, class loading, no line of the user's). */
    private static final class KnownStack {
        final Finding finding;
        final String key;

        KnownStack(Finding finding) {
            this.finding = finding;
            this.key = finding == null ? null : FindingRecorder.key(finding);
        }
    }

    boolean isAllowed(StackTraceElement[] stack) {
        if (allow.isEmpty()) {
            return false;
        }
        for (StackTraceElement e : stack) {
            for (AgentOptions.MethodRef ref : allow) {
                if (ref.matches(e.getClassName(), e.getMethodName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isReallyBlocking(int flags, Object subject) {
        switch (flags) {
            case Bridge.CHANNEL:
                return subject instanceof SelectableChannel && ((SelectableChannel) subject).isBlocking();
            case Bridge.HOST_LOOKUP:
                return subject instanceof String && !isLiteralAddress((String) subject);
            case Bridge.FILE_OUTPUT:
                return !isStandardStream(subject);
            case Bridge.FILE_INPUT:
                return !isNonBlockingRandomDevice(subject);
            case Bridge.FILE_OPEN:
                // Opening a character device never waits; only reading /dev/random may.
                return !isNonBlockingRandomDevice(subject) && !"/dev/random".equals(subject);
            default:
                return true;
        }
    }

    /** Literal IPv4 or IPv6 addresses, and the empty/null host, are answered without a lookup. */
    public static boolean isLiteralAddress(String host) {
        if (host.isEmpty() || host.indexOf(':') >= 0 || host.startsWith("[")) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code /dev/urandom} never blocks on Linux (once the kernel's pool is seeded at boot), and it is what
     * {@code UUID.randomUUID()} and a default {@code SecureRandom} read; {@code /dev/./urandom} is the spelling
     * {@code -Djava.security.egd} commonly uses. {@code /dev/random}, which {@code getInstanceStrong()} and seed
     * generation read, may block and stays a finding.
     */
    static boolean isNonBlockingRandomDevice(Object path) {
        return "/dev/urandom".equals(path) || "/dev/./urandom".equals(path);
    }

    /** Console output goes to the process's stdout/stderr; reporting every log line would drown real findings. */
    private static boolean isStandardStream(Object subject) {
        if (!(subject instanceof FileOutputStream)) {
            return false;
        }
        try {
            FileDescriptor fd = ((FileOutputStream) subject).getFD();
            return fd == FileDescriptor.out || fd == FileDescriptor.err;
        } catch (IOException e) {
            return false;
        }
    }
}
