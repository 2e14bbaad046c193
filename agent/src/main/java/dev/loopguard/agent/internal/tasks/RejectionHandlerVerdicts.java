package dev.loopguard.agent.internal.tasks;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What the bytecode of application classes says about their {@code rejectedExecution(Runnable, ThreadPoolExecutor)}
 * methods, recorded when each class is instrumented (before it can run) and read when a handler returns.
 *
 * <p>Entries are keyed by defining class loader and class name. A class that declares the method gets the
 * {@link RejectionHandlerAnalyzer analyzer's} verdict. A class that does not declare it is remembered only when its
 * superclass (an application class) has an entry: it then inherits, and the run-time look-up follows
 * {@link Class#getSuperclass()} (never loading a class) to the class that declares the method, checking each name on
 * the way. A lambda or method reference handler's class is hidden and has no code of its own to read: the method
 * behind it is judged like a handler's (the task being its parameter after what the lambda captured), and the class
 * is linked to that method when the lambda is created ({@link LambdaHandlerSites}). Because the JVM instruments a
 * class before it loads its superclass, a subclass may be instrumented first:
 * it then waits, by its superclass's name, until that superclass is instrumented (a moment later, while the subclass
 * is being defined), and is dropped if the superclass turns out to have no entry. Anything not found this way is not
 * judged: lambdas created in code the agent did not instrument, classes the agent did not instrument, and a method
 * inherited from an interface's default method or from a class outside the application.
 *
 * <p>Memory: one small entry per handler class and per subclass of one; waiting subclasses are transient and capped.
 */
public final class RejectionHandlerVerdicts {

    private static final RejectionHandlerVerdicts SHARED = new RejectionHandlerVerdicts();
    /** Subclasses waiting for their superclass beyond this are not judged (a superclass that never loads). */
    static final int MAX_WAITING = 4096;
    private static final int MAX_DEPTH = 64;

    /** A class's own method (superName null) with its verdict, or "inherits the method of superName". */
    private static final class Entry {
        final String superName;
        final boolean neverKeepsTask;

        Entry(String superName, boolean neverKeepsTask) {
            this.superName = superName;
            this.neverKeepsTask = neverKeepsTask;
        }
    }

    /** A subclass instrumented before its superclass. */
    private static final class Waiting {
        final String className;
        final WeakReference<ClassLoader> loader;
        final boolean bootstrap;

        Waiting(String className, ClassLoader loader) {
            this.className = className;
            this.loader = new WeakReference<>(loader);
            this.bootstrap = loader == null;
        }
    }

    private final Map<ClassLoader, Map<String, Entry>> byLoader = new WeakHashMap<>();
    /** Lambda and method reference handler classes seen created, and the method behind each. */
    private final Map<Class<?>, String> lambdaBodies = new WeakHashMap<>();
    private final Map<String, Entry> bootstrap = new HashMap<>();
    /** Names that have an entry in some loader: the candidates for a subclass to inherit from. */
    private final Set<String> namesWithEntry = new HashSet<>();
    private final Map<String, List<Waiting>> waitingBySuperName = new HashMap<>();
    /** Written under the lock; read without it on the common path (a class with nothing to settle). */
    private volatile int waiting;

    RejectionHandlerVerdicts() {
    }

    /** The JVM-wide table: classes are JVM-wide, and the agent runs once per JVM. */
    public static RejectionHandlerVerdicts shared() {
        return SHARED;
    }

    /** What the class visitor of classes defined by {@code loader} records into. */
    public Recorder recorder(ClassLoader loader) {
        return new Recorder(this, loader);
    }

    /** The table seen from one class loader, for the call-site visitor of {@code futures} that judges handlers. */
    public static final class Recorder {
        private final RejectionHandlerVerdicts verdicts;
        private final ClassLoader loader;

        private Recorder(RejectionHandlerVerdicts verdicts, ClassLoader loader) {
            this.verdicts = verdicts;
            this.loader = loader;
        }

        /**
         * A class was instrumented.
         *
         * @param className            its binary name
         * @param applicationSuperName binary name of its superclass when that is an application class, else null
         * @param declared             the verdict on its own {@code rejectedExecution}, or null when it declares none
         */
        public void classVisited(String className, String applicationSuperName, Boolean declared) {
            verdicts.classVisited(loader, className, applicationSuperName, declared);
        }

        /** A method that may be a lambda handler's body was analysed ({@link LambdaHandlerSites#key}). */
        public void implementationVisited(String key, boolean neverKeepsTask) {
            synchronized (verdicts) {
                verdicts.entries(loader, true).put(key, new Entry(null, neverKeepsTask));
            }
        }
    }

    /**
     * A lambda or method reference handler was created, whose body is the method {@code implementation}: its class
     * (hidden, one per creating expression) is judged by that method's verdict from now on.
     */
    public void lambdaCreated(Class<?> lambdaClass, String implementation) {
        synchronized (this) {
            if (!lambdaBodies.containsKey(lambdaClass)) {
                lambdaBodies.put(lambdaClass, implementation);
            }
        }
    }

    void classVisited(ClassLoader loader, String className, String applicationSuperName, Boolean declared) {
        Objects.requireNonNull(className, "className");
        if (declared == null && applicationSuperName == null && waiting == 0) {
            return; // the common case: not a handler, nothing waits; a racing waiter at worst waits until the cap
        }
        synchronized (this) {
            record(loader, className, applicationSuperName, declared);
        }
    }

    private void record(ClassLoader loader, String className, String applicationSuperName, Boolean declared) {
        if (declared != null) {
            put(loader, className, new Entry(null, declared));
            settle(className, true);
        } else if (applicationSuperName == null) {
            settle(className, false);
        } else if (namesWithEntry.contains(applicationSuperName)) {
            put(loader, className, new Entry(applicationSuperName, false));
            settle(className, true);
        } else if (waiting < MAX_WAITING) {
            // Its own waiters stay until this class settles in turn.
            waitingBySuperName.computeIfAbsent(applicationSuperName, n -> new ArrayList<>(1))
                    .add(new Waiting(className, loader));
            waiting++;
        } else {
            settle(className, false);
        }
    }

    /**
     * True only when {@code handlerType}'s {@code rejectedExecution}, its own or inherited, was analysed and can
     * never let its task go anywhere. False for everything not known: that handler is not judged.
     */
    boolean neverKeepsTask(Class<?> handlerType) {
        Class<?> type = handlerType;
        for (int depth = 0; depth < MAX_DEPTH && type != null; depth++) {
            if (type.isHidden() || type.getName().contains("$$Lambda")) {
                Entry body;
                synchronized (this) {
                    String implementation = lambdaBodies.get(type);
                    body = implementation == null ? null : entries(type.getClassLoader(), false).get(implementation);
                }
                return body != null && body.neverKeepsTask;
            }
            Entry entry;
            synchronized (this) {
                entry = entries(type.getClassLoader(), false).get(type.getName());
            }
            if (entry == null) {
                return false;
            }
            if (entry.superName == null) {
                return entry.neverKeepsTask;
            }
            Class<?> superclass = type.getSuperclass();
            if (superclass == null || !superclass.getName().equals(entry.superName)) {
                return false;
            }
            type = superclass;
        }
        return false;
    }

    int waitingCount() {
        return waiting;
    }

    /** Subclasses waiting on {@code className} inherit from it (it has an entry now) or are dropped. */
    private void settle(String className, boolean hasEntry) {
        List<Waiting> list = waitingBySuperName.remove(className);
        if (list == null) {
            return;
        }
        waiting -= list.size();
        for (Waiting w : list) {
            ClassLoader loader = w.loader.get();
            if (loader == null && !w.bootstrap) {
                continue; // its loader is gone, and the class with it
            }
            if (hasEntry) {
                put(loader, w.className, new Entry(className, false));
            }
            settle(w.className, hasEntry);
        }
    }

    private void put(ClassLoader loader, String className, Entry entry) {
        entries(loader, true).put(className, entry);
        namesWithEntry.add(className);
    }

    private Map<String, Entry> entries(ClassLoader loader, boolean create) {
        if (loader == null) {
            return bootstrap;
        }
        Map<String, Entry> entries = byLoader.get(loader);
        if (entries == null) {
            if (!create) {
                return Map.of();
            }
            entries = new HashMap<>();
            byLoader.put(loader, entries);
        }
        return entries;
    }
}
