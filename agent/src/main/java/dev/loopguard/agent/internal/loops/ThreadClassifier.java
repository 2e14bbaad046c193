package dev.loopguard.agent.internal.loops;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which threads are event loops and holds the per-thread state.
 *
 * <p>An event-loop thread is one whose class implements {@code dev.loopguard.core.EventLoopThread} or
 * {@code reactor.core.scheduler.NonBlocking}, one that is running the {@code run()} of a Netty
 * {@code io.netty.channel.EventLoop} (so Vert.x event loops too), or one whose name matches an
 * {@code eventLoopThreads} pattern.
 */
public final class ThreadClassifier {
    private static final String[] LOOP_INTERFACES = {
        "dev.loopguard.core.EventLoopThread", "reactor.core.scheduler.NonBlocking",
    };

    /** Replaced, never changed in place, when patterns are added at run time ({@link #addNamePatterns}). */
    private volatile List<String> namePatterns;
    private final ClassValue<Boolean> loopClasses = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return implementsLoopInterface(type);
        }
    };
    private final ThreadLocal<ThreadState> states = new ThreadLocal<>() {
        @Override
        protected ThreadState initialValue() {
            // Nothing here may reach instrumented code: a Bridge call would re-enter this initializer.
            Thread t = Thread.currentThread();
            return new ThreadState(t, isLoopByClassOrName(t));
        }
    };
    /** Event-loop threads seen so far, by thread id: for the watchdog and for JFR events of other threads. */
    private final Map<Long, ThreadState> loops = new ConcurrentHashMap<>();
    private final List<Runnable> onFirstLoop = new ArrayList<>();
    private volatile boolean anyLoop;
    /** Run by each thread as it becomes an event loop, before it goes on ({@link #beforeLoopsRun}); may be null. */
    private volatile Runnable loopGate;

    public ThreadClassifier(List<String> namePatterns) {
        this.namePatterns = List.copyOf(namePatterns);
        // Load the matcher now, before any hook runs. Loaded later, when patterns are added at run time, its class
        // file is read from inside the thread-state initializer below; that read is a hooked file read, which asks
        // for the thread's state again, whose initializer loads the matcher again, until the stack overflows.
        Glob.matches("*", "");
    }

    /**
     * Adds thread-name patterns ({@code LoopguardAgent.addEventLoopThreads}): threads the agent sees for the first
     * time from now on are matched against them too; a thread already seen keeps what it was classified as.
     */
    public synchronized void addNamePatterns(List<String> patterns) {
        List<String> all = new ArrayList<>(namePatterns);
        for (String pattern : patterns) {
            if (!all.contains(pattern)) {
                all.add(pattern);
            }
        }
        namePatterns = List.copyOf(all);
        Runnable gate = loopGate;
        if (gate != null && !patterns.isEmpty()) {
            // A thread is matched by name at its first instrumented call, which may be the blocking call itself.
            gate.run();
        }
    }

    /**
     * Sets what every thread runs when it is recognised as an event loop, before it returns to the loop: the weaving
     * of the hooks that only loop threads need. {@code gate} must be idempotent and make a second caller wait until
     * the first has finished. Runs it at once, on this thread, when a loop has already been seen or
     * {@code eventLoopThreads} patterns are set: a thread matched by name is recognised at its first instrumented
     * call, which may be its first blocking call, so those hooks must already be there.
     */
    public void beforeLoopsRun(Runnable gate) {
        loopGate = gate;
        if (anyLoop || !namePatterns.isEmpty()) {
            gate.run();
        }
    }

    /** Whether the thread is an event loop now. */
    public boolean isEventLoopThread(Thread thread) {
        if (thread == Thread.currentThread()) {
            return current().isLoop();
        }
        ThreadState known = loops.get(thread.getId());
        if (known != null && known.thread == thread) {
            return known.isLoop();
        }
        return isLoopByClassOrName(thread);
    }

    /** Whether the calling thread is an event loop now. */
    public boolean isCurrentThreadEventLoop() {
        return current().isLoop();
    }

    /** The event loop's name when the loop exposes one (core's {@code EventLoop#name()}), else empty. */
    public Optional<String> loopName(Thread thread) {
        ThreadState known = loops.get(thread.getId());
        return known == null ? Optional.empty() : Optional.ofNullable(known.loopName);
    }

    public ThreadState current() {
        ThreadState s = states.get();
        if (s.loopByClassOrName && !s.registered) {
            boolean was = s.inAgent;
            s.inAgent = true;
            try {
                register(s);
            } finally {
                s.inAgent = was;
            }
        }
        return s;
    }

    public ThreadState byThreadId(long id) {
        return loops.get(id);
    }

    public Collection<ThreadState> loopThreads() {
        return loops.values();
    }

    void forget(ThreadState state) {
        loops.remove(state.thread.getId(), state);
    }

    /** Runs the task once, when the first event-loop thread is seen (lazy start of the watchdog and the JFR stream). */
    public void onFirstLoop(Runnable task) {
        synchronized (onFirstLoop) {
            if (anyLoop) {
                task.run();
            } else {
                onFirstLoop.add(task);
            }
        }
    }

    void register(ThreadState state) {
        if (state.registered) {
            return;
        }
        state.registered = true;
        state.loopName = coreLoopName(state.thread);
        loops.put(state.thread.getId(), state);
        Runnable gate = loopGate;
        if (gate != null) {
            gate.run();
        }
        if (!anyLoop) {
            List<Runnable> tasks;
            synchronized (onFirstLoop) {
                if (anyLoop) {
                    return;
                }
                anyLoop = true;
                tasks = new ArrayList<>(onFirstLoop);
                onFirstLoop.clear();
            }
            for (Runnable task : tasks) {
                task.run();
            }
        }
    }

    boolean isLoopByClassOrName(Thread thread) {
        if (loopClasses.get(thread.getClass())) {
            return true;
        }
        List<String> patterns = namePatterns;
        if (patterns.isEmpty()) {
            return false;
        }
        String name = thread.getName();
        for (String pattern : patterns) {
            if (Glob.matches(pattern, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsLoopInterface(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (anyLoopInterface(c.getInterfaces())) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyLoopInterface(Class<?>[] interfaces) {
        for (Class<?> i : interfaces) {
            for (String name : LOOP_INTERFACES) {
                if (name.equals(i.getName())) {
                    return true;
                }
            }
            if (anyLoopInterface(i.getInterfaces())) {
                return true;
            }
        }
        return false;
    }

    private static String coreLoopName(Thread thread) {
        for (Class<?> c = thread.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if ("dev.loopguard.core.EventLoopThread".equals(i.getName())) {
                    try {
                        Method eventLoop = i.getMethod("eventLoop");
                        Object loop = eventLoop.invoke(thread);
                        return loop == null ? null : String.valueOf(loop.getClass().getMethod("name").invoke(loop));
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Thread-name patterns where {@code *} matches any run of characters. With {@code *} the only wildcard, the
     * literal pieces between stars can be matched greedily, each at its leftmost place after the previous one: if any
     * placement works, the leftmost one does. That keeps a match to one pass over the name per piece (a recursive
     * matcher that tries every split backtracks exponentially on patterns like {@code *a*a*a*b}).
     */
    static final class Glob {
        private Glob() {
        }

        static boolean matches(String pattern, String text) {
            int first = pattern.indexOf('*');
            if (first < 0) {
                return pattern.equals(text);
            }
            int last = pattern.lastIndexOf('*');
            int headLength = first;
            int tailLength = pattern.length() - last - 1;
            if (text.length() < headLength + tailLength
                    || !text.regionMatches(0, pattern, 0, headLength)
                    || !text.regionMatches(text.length() - tailLength, pattern, last + 1, tailLength)) {
                return false;
            }
            int position = headLength;
            int end = text.length() - tailLength;
            int piece = first + 1;
            while (piece <= last) {
                int nextStar = pattern.indexOf('*', piece);
                int length = nextStar - piece;
                if (length > 0) {
                    int found = indexOf(text, position, end, pattern, piece, length);
                    if (found < 0) {
                        return false;
                    }
                    position = found + length;
                }
                piece = nextStar + 1;
            }
            return true;
        }

        /** The first index in {@code [from, end - length]} where the piece of the pattern occurs, or -1. */
        private static int indexOf(String text, int from, int end, String pattern, int offset, int length) {
            for (int i = from; i + length <= end; i++) {
                if (text.regionMatches(i, pattern, offset, length)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
