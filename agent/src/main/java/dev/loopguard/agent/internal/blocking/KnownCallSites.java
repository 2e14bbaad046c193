package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.bootstrap.Bridge;
import dev.loopguard.agent.internal.AgentOptions;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.StackFrames;
import dev.loopguard.agent.internal.weaving.HookWeaver;
import dev.loopguard.agent.internal.weaving.MethodFilter;
import dev.loopguard.agent.internal.weaving.Transformations;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Blocking-call sites in application code that call a watched JDK method themselves ({@code in.read()} where
 * {@code in} is a {@code FileInputStream}): a repeat at a site whose first occurrence was a finding is counted without
 * capturing the stack, which cost several microseconds per repeat.
 *
 * <p>As an application class loads, every call instruction in it that may land in a watched method (a static call of
 * one, by owner, name and descriptor; an instance call by name and descriptor, whatever the declared owner) gets a
 * call woven right before it: {@code Bridge.knownSite(receiver, id)}, with an id for its place (class and loader,
 * method, line, called name and descriptor; two such calls on one line share it). Unarmed, that call is one array read
 * ({@link Bridge#ARMED_SITES}). When the first occurrence at a place is a finding, {@link #learn} binds the finding to
 * the place's id and arms it: from then on the mark notes the id on the thread when the receiver's class is exactly
 * the one the finding's stack showed (so the call lands in the watched method itself, whose hook is its first
 * instruction, and no other code of the application runs in between), and the hook, when its operation, kind and
 * thread are the finding's, counts a repeat. Because the mark is in the code from the start, a loop inside one long
 * call is counted through it from its next iteration on. Anything else (another receiver class, another thread, a
 * place without an id, throw mode, an {@code allow} list) takes the stack path, which stays exact.
 *
 * <p>Only classes of the class path (the unnamed module of a class loader other than the bootstrap one) are marked:
 * they alone read the bootstrap bridge without a module read edge. At most {@link #MAX_SITES} places get an id, in
 * the order their classes load; a class is skipped, without reading its code, unless its constant pool names a
 * class with watched static methods or the name of a watched instance method. The watched methods are the ones the
 * blocking-call hooks are woven into ({@link BlockingHooks}): static ones by the hooks' own method filters on the class
 * named at the call, instance ones as the weaver reports them. Those hooks are woven only when the first event loop
 * appears (or at once with {@code eventLoopThreads}); until then, the instance filters of the hooks on JDK classes
 * already loaded at start-up ({@code FileInputStream}, {@code Thread}, {@code Object}...) stand for the methods they
 * will be woven into, by name and descriptor whatever the owner, so the application's first classes (its main class,
 * what it loads before starting a loop) are marked too, a few more calls than strictly needed among them. A JDK class
 * not loaded at start-up (the NIO channels, {@code Process}) reports its instance methods when it is woven; an
 * application class loaded before that has no marks on calls of them, and their repeats take the stack path. Loading
 * those classes in {@code premain} instead added about 30 classes and 80 ms of CPU time to every JVM's start-up
 * (measured under load).
 */
public final class KnownCallSites implements ClassFileTransformer, Transformations.WatchedMethods {
    /** Ids are 1 to this; 0 means none. */
    static final int MAX_SITES = Bridge.ARMED_SITES.length - 1;
    static final String NAME = "known-sites";
    private static final String BRIDGE = "dev/loopguard/agent/bootstrap/Bridge";
    private static final int CLASS = 7;
    private static final int NAME_AND_TYPE = 12;

    private final AgentRuntime runtime;
    private final Instrumentation inst;
    /** The finding each armed id counts for; an id is bound once. */
    private final AtomicReferenceArray<Site> sites = new AtomicReferenceArray<>(MAX_SITES + 1);
    private final PlaceIds ids = new PlaceIds(MAX_SITES);
    /** Whether the blocking hooks are woven (see {@link #hooksWoven()}). */
    private boolean hooksWoven;
    private volatile Watched watched = new Watched(Map.of(), Set.of(), Set.of(), List.of());

    public KnownCallSites(AgentRuntime runtime, Instrumentation inst) {
        this.runtime = runtime;
        this.inst = inst;
    }

    /**
     * Whether repeats can be counted at call sites with these options: not in throw mode, whose exception carries each
     * occurrence's finding, nor with an {@code allow} list, which may name a caller further down the stack.
     */
    public static boolean usable(AgentOptions options) {
        return options.mode() != AgentOptions.Mode.THROW && options.allow().isEmpty();
    }

    /**
     * Takes the watched methods from the hooks' declarations and registers the transformer that marks application
     * classes; last, so that it sees what the other transformers wrote. Does nothing when the options leave the marks
     * unused.
     *
     * @param watchedFilters the hooks' method filters by the internal name of the class they are declared for
     * @param loaded         the internal names of the classes among those that are loaded now: until the hooks are
     *                       woven ({@link #hooksWoven()}), their instance filters stand for the methods they will be
     *                       woven into, so that the application's first classes are marked too
     */
    public void install(Map<String, List<MethodFilter>> watchedFilters, Set<String> loaded) {
        if (!usable(runtime.options()) || !runtime.detectorEnabled(BlockingCallDetector.NAME)) {
            return;
        }
        List<MethodFilter> early = new ArrayList<>();
        for (Map.Entry<String, List<MethodFilter>> e : watchedFilters.entrySet()) {
            if (loaded.contains(e.getKey())) {
                for (MethodFilter f : e.getValue()) {
                    if (f.mayMatchInstanceMethodsByName()) {
                        early.add(f);
                    }
                }
            }
        }
        synchronized (this) {
            // With eventLoopThreads patterns the hooks were woven before this, and the weaver named their methods.
            watched = watched.withStatics(watchedFilters).withEarly(hooksWoven ? List.of() : early);
        }
        inst.addTransformer(this, true);
    }

    /**
     * The hooks are woven (the first loop appeared, or loops are named): from now on instance calls are marked by the
     * methods the weaver reported, no longer by the hooks' filters.
     */
    public synchronized void hooksWoven() {
        hooksWoven = true;
        if (!watched.early.isEmpty()) {
            watched = watched.withEarly(List.of());
        }
    }

    /** Records an instance method a watched hook was woven into; static ones are known by their filters. */
    @Override
    public synchronized void hooked(String owner, int access, String name, String descriptor) {
        Watched w = watched;
        if ((access & Opcodes.ACC_STATIC) != 0 || w.instance.contains(name + descriptor)) {
            return; // a static method, or a class woven again
        }
        Set<String> names = new HashSet<>(w.instanceNames);
        Set<String> instance = new HashSet<>(w.instance);
        names.add(name);
        instance.add(name + descriptor);
        watched = new Watched(w.statics, names, instance, w.early);
    }

    /** The watched methods reported so far. */
    Watched watched() {
        return watched;
    }

    /** The site with this id, or null. */
    Site site(int id) {
        return id > 0 && id <= MAX_SITES ? sites.get(id) : null;
    }

    /** Whether a marked call with this receiver lands in the site's watched method (see the class comment). */
    boolean expects(int id, Object receiver) {
        Site site = site(id);
        return site != null && (site.receiverClass == null || receiver != null && receiver.getClass() == site.receiverClass);
    }

    /**
     * Called by the detector on the loop thread right after the first occurrence of {@code finding} was recorded:
     * when the stack shows the application calling the hooked method itself at a place with an id, binds the finding
     * to the id and arms it. Never throws.
     */
    void learn(Finding finding, String key, String operation, int flags, String thread) {
        if (!runtime.detectorEnabled(NAME) || !finding.site().isPresent()) {
            return;
        }
        try {
            StackWalker.StackFrame[] pair = StackWalker.getInstance(EnumSet.of(
                    StackWalker.Option.RETAIN_CLASS_REFERENCE)).walk(KnownCallSites::calleeAndCaller);
            if (pair == null) {
                return;
            }
            StackWalker.StackFrame callee = pair[0];
            StackWalker.StackFrame caller = pair[1];
            Class<?> owner = caller.getDeclaringClass();
            ClassLoader loader = owner.getClassLoader();
            if (!operation.equals(callee.getClassName() + "." + callee.getMethodName())
                    || !StackFrames.isApplicationFrame(caller.getClassName())
                    || !finding.site().get().equals(StackFrames.format(caller.toStackTraceElement()))
                    || caller.getLineNumber() <= 0 || loader == null || owner.isHidden()
                    || owner.getModule().isNamed()) {
                return;
            }
            int id = ids.get(place(owner.getName().replace('.', '/'), System.identityHashCode(loader),
                    caller.getMethodName(), caller.getDescriptor(), caller.getLineNumber(), callee.getMethodName(),
                    callee.getDescriptor()));
            if (id == 0) {
                return; // no mark there: a class loaded before the agent, or past the bound
            }
            Boolean isStatic = isStatic(callee.getDeclaringClass(), callee.getMethodName(), callee.getDescriptor());
            if (isStatic == null) {
                return;
            }
            Site site = new Site(isStatic ? null : callee.getDeclaringClass(), operation, flags, thread, finding, key);
            if (sites.compareAndSet(id, null, site)) {
                Bridge.ARMED_SITES[id] = 1;
            }
        } catch (Throwable e) {
            runtime.detectorFailed(NAME, e);
        }
    }

    /** The first two frames below the agent's: the hooked method and its caller; null when there are fewer. */
    private static StackWalker.StackFrame[] calleeAndCaller(java.util.stream.Stream<StackWalker.StackFrame> frames) {
        Iterator<StackWalker.StackFrame> it = frames.iterator();
        StackWalker.StackFrame callee = null;
        while (it.hasNext()) {
            StackWalker.StackFrame f = it.next();
            if (callee == null) {
                if (!StackFrames.isAgentFrame(f.getClassName())) {
                    callee = f;
                }
            } else {
                return new StackWalker.StackFrame[] {callee, f};
            }
        }
        return null;
    }

    /** Whether the declared method is static; null when there is no such method. */
    private static Boolean isStatic(Class<?> type, String name, String descriptor) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)) {
                return Modifier.isStatic(m.getModifiers());
            }
        }
        return null;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] bytes) {
        if (className == null || loader == null || module == null || module.isNamed()
                || className.startsWith("dev/loopguard/agent/") || className.contains("$$Lambda")
                || !runtime.detectorEnabled(NAME) || !StackFrames.isApplicationFrame(className.replace('/', '.'))) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(bytes);
            Watched w = watched;
            if (!w.mayBeCalledBy(reader)) {
                return null;
            }
            // On a retransformation the same places get the same ids back, so an armed mark stays armed.
            return weave(reader, className, System.identityHashCode(loader), w, ids);
        } catch (IndexOutOfBoundsException tooLarge) {
            return null; // a method or class past the class file's limits with the marks: left unmarked
        } catch (Throwable e) {
            runtime.detectorFailed(NAME, e);
            return null;
        }
    }

    /**
     * The class with a {@code Bridge.knownSite} call before each call instruction that may land in a watched method
     * and has an id; null if there is none.
     */
    static byte[] weave(ClassReader reader, String className, int loaderId, Watched watched, PlaceIds ids) {
        Map<String, Integer> maxLocals = HookWeaver.maxLocals(reader);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] changed = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                Integer locals = maxLocals.get(name + descriptor);
                if (mv == null || locals == null) {
                    return mv;
                }
                return new Marker(mv, className, loaderId, name, descriptor, locals, watched, ids, changed);
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : null;
    }

    /**
     * A 64-bit digest of a call's place. Two places with one digest would share an id, and a repeat at the second could
     * count for the first's finding: with n places the chance is about n^2 / 2^65 (about 10^-10 at the bound).
     */
    static long place(String className, int loaderId, String method, String methodDescriptor, int line,
                      String calleeName, String calleeDescriptor) {
        long h = 0xCBF29CE484222325L;
        h = hash(h, className);
        h = mix(h, loaderId);
        h = hash(h, method);
        h = hash(h, methodDescriptor);
        h = mix(h, line);
        h = hash(h, calleeName);
        return hash(h, calleeDescriptor);
    }

    private static long hash(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001B3L;
        }
        return mix(h, s.length());
    }

    private static long mix(long h, int v) {
        h = (h ^ v) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    /**
     * Inserts the mark before each call that may land in a watched method. For an instance call the arguments are put
     * aside in new locals (above every local the method has, so no stack map frame changes), the receiver is passed to
     * the bridge, and the arguments are loaded back. No branch is inserted.
     */
    private static final class Marker extends MethodVisitor {
        private final String className;
        private final int loaderId;
        private final String method;
        private final String methodDescriptor;
        private final int firstFreeLocal;
        private final Watched watched;
        private final PlaceIds ids;
        private final boolean[] changed;
        private int line;

        Marker(MethodVisitor mv, String className, int loaderId, String method, String methodDescriptor,
               int firstFreeLocal, Watched watched, PlaceIds ids, boolean[] changed) {
            super(Opcodes.ASM9, mv);
            this.className = className;
            this.loaderId = loaderId;
            this.method = method;
            this.methodDescriptor = methodDescriptor;
            this.firstFreeLocal = firstFreeLocal;
            this.watched = watched;
            this.ids = ids;
            this.changed = changed;
        }

        @Override
        public void visitLineNumber(int line, Label start) {
            this.line = line;
            super.visitLineNumber(line, start);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean itf) {
            boolean isStatic = opcode == Opcodes.INVOKESTATIC;
            if (line > 0 && (isStatic ? watched.isStatic(owner, name, descriptor)
                    : (opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE)
                    && watched.isInstance(name, descriptor))) {
                int id = ids.idFor(place(className, loaderId, method, methodDescriptor, line, name, descriptor));
                if (id != 0) {
                    changed[0] = true;
                    mark(isStatic, descriptor, id);
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, itf);
        }

        private void mark(boolean isStatic, String descriptor, int id) {
            if (isStatic) {
                super.visitInsn(Opcodes.ACONST_NULL);
                pushId(id);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "knownSite", "(Ljava/lang/Object;I)V", false);
                return;
            }
            Type[] args = Type.getArgumentTypes(descriptor);
            int[] slots = new int[args.length];
            int next = firstFreeLocal;
            for (int i = 0; i < args.length; i++) {
                slots[i] = next;
                next += args[i].getSize();
            }
            for (int i = args.length - 1; i >= 0; i--) {
                super.visitVarInsn(args[i].getOpcode(Opcodes.ISTORE), slots[i]);
            }
            super.visitInsn(Opcodes.DUP);
            pushId(id);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "knownSite", "(Ljava/lang/Object;I)V", false);
            for (int i = 0; i < args.length; i++) {
                super.visitVarInsn(args[i].getOpcode(Opcodes.ILOAD), slots[i]);
            }
        }

        private void pushId(int id) {
            if (id <= Short.MAX_VALUE) {
                super.visitIntInsn(Opcodes.SIPUSH, id);
            } else {
                super.visitLdcInsn(id);
            }
        }
    }

    /**
     * The watched methods: static ones by their hooks' filters on the class named at the call (a static call can only
     * land in that class's method), instance ones by name and descriptor, as they were woven.
     */
    static final class Watched {
        private final Map<String, List<MethodFilter>> statics;
        private final Set<String> instanceNames;
        private final Set<String> instance;
        /**
         * Until the hooks are woven: the instance filters of the hooks on classes loaded at start-up, which may match
         * a call by name and descriptor whatever its owner (a few more places get an unarmed mark than once the
         * woven methods are known).
         */
        private final List<MethodFilter> early;

        Watched(Map<String, List<MethodFilter>> statics, Set<String> instanceNames, Set<String> instance,
                List<MethodFilter> early) {
            this.statics = statics;
            this.instanceNames = instanceNames;
            this.instance = instance;
            this.early = early;
        }

        /** The same instance methods, and the static methods these filters select on the classes they are keyed by. */
        Watched withStatics(Map<String, List<MethodFilter>> filters) {
            return new Watched(filters, instanceNames, instance, early);
        }

        /** The same, with these filters standing for the instance methods not woven yet. */
        Watched withEarly(List<MethodFilter> filters) {
            return new Watched(statics, instanceNames, instance, filters);
        }

        boolean isStatic(String owner, String name, String descriptor) {
            List<MethodFilter> filters = statics.get(owner);
            if (filters != null) {
                for (MethodFilter f : filters) {
                    if (f.matches(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, descriptor)) {
                        return true;
                    }
                }
            }
            return false;
        }

        boolean isInstance(String name, String descriptor) {
            if (instanceNames.contains(name) && instance.contains(name + descriptor)) {
                return true;
            }
            for (MethodFilter f : early) {
                if (f.matches(Opcodes.ACC_PUBLIC, name, descriptor)) {
                    return true;
                }
            }
            return false;
        }

        private boolean isInstanceName(String name) {
            return instanceNames.contains(name) || !early.isEmpty() && isEarlyInstanceName(name);
        }

        private boolean isEarlyInstanceName(String name) {
            for (MethodFilter f : early) {
                if (f.mayMatchInstanceMethodNamed(name)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether the class may call a watched method: its constant pool names a class with watched static methods or
         * the name of a watched instance method. Reads no instruction.
         */
        boolean mayBeCalledBy(ClassReader reader) {
            if (statics.isEmpty() && instanceNames.isEmpty() && early.isEmpty()) {
                return false;
            }
            char[] buffer = new char[reader.getMaxStringLength()];
            for (int i = 1; i < reader.getItemCount(); i++) {
                int offset = reader.getItem(i);
                if (offset <= 0) {
                    continue;
                }
                int tag = reader.readByte(offset - 1);
                if (tag == NAME_AND_TYPE && isInstanceName(reader.readUTF8(offset, buffer))
                        || tag == CLASS && statics.containsKey(reader.readUTF8(offset, buffer))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The id of each place (by its {@link #place} digest), given once and for good, so that a class retransformed
     * later gets its ids back; at most {@code max}. An open-addressing table of primitive keys: tens of thousands of
     * places cost a few hundred kilobytes.
     */
    static final class PlaceIds {
        private final int max;
        private long[] keys = new long[256];
        private int[] values = new int[256];
        private int size;

        PlaceIds(int max) {
            this.max = max;
        }

        /** The place's id, given now if it has none and the bound allows; 0 past the bound. */
        synchronized int idFor(long place) {
            int slot = slot(keys, place);
            if (values[slot] != 0) {
                return values[slot];
            }
            if (size >= max) {
                return 0;
            }
            keys[slot] = place;
            values[slot] = ++size;
            if (size * 2 > keys.length) {
                grow();
            }
            return size;
        }

        /** The place's id, or 0 when it has none. */
        synchronized int get(long place) {
            return values[slot(keys, place)];
        }

        synchronized int size() {
            return size;
        }

        private int slot(long[] table, long place) {
            int mask = table.length - 1;
            int i = (int) (place ^ (place >>> 32)) & mask;
            while (values[i] != 0 && table[i] != place) {
                i = (i + 1) & mask;
            }
            return i;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] != 0) {
                    int slot = slot(keys, oldKeys[i]);
                    keys[slot] = oldKeys[i];
                    values[slot] = oldValues[i];
                }
            }
        }
    }

    /** One armed call site and the finding its repeats count for. */
    static final class Site {
        /** The receiver's exact class at the first occurrence; null for a static method. */
        final Class<?> receiverClass;
        final String operation;
        final int flags;
        final String thread;
        final Finding finding;
        final String key;

        Site(Class<?> receiverClass, String operation, int flags, String thread, Finding finding, String key) {
            this.receiverClass = receiverClass;
            this.operation = operation;
            this.flags = flags;
            this.thread = thread;
            this.finding = finding;
            this.key = key;
        }

        /** Whether a hook's call is this site's watched method, of the same kind, on the same thread. */
        boolean matches(String operation, int flags, Thread thread) {
            return this.flags == flags && this.operation.equals(operation) && this.thread.equals(thread.getName());
        }
    }
}
