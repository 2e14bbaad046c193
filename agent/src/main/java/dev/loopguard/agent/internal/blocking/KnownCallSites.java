package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.StackFrames;
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
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Blocking-call sites in application code that call the watched JDK method themselves ({@code in.read()} where
 * {@code in} is a {@code FileInputStream}), marked in the application's code once their first occurrence was a finding,
 * so that a repeat there is known without capturing the stack, which cost several microseconds per repeat.
 *
 * <p>The mark is a call woven right before the call instruction:
 * {@code Bridge.knownSite(receiver, id)}, which notes the site's id on the thread when the receiver's class is exactly
 * the one the finding's stack showed (so the call lands in the watched method itself, whose hook is its first
 * instruction, and no other code of the application runs in between). The hook takes the id at once and, when its
 * operation, kind and thread are the finding's, counts a repeat of that finding. Anything else (another receiver
 * class, another thread, a call that is no direct call of a watched method, throw mode, an {@code allow} list) takes
 * the stack path as before.
 *
 * <p>The class is retransformed on a daemon thread, never on the loop; a method already running when its class is
 * retransformed keeps running its old code (the JVM's rule), so a loop inside the method that made the first call
 * takes the stack path until the method is entered again. At most {@link #MAX_SITES} sites are marked.
 */
public final class KnownCallSites implements ClassFileTransformer {
    static final int MAX_SITES = 1024;
    static final String NAME = "known-sites";
    private static final String BRIDGE = "dev/loopguard/agent/bootstrap/Bridge";

    private final AgentRuntime runtime;
    private final Instrumentation inst;
    private final AtomicReferenceArray<Site> sites = new AtomicReferenceArray<>(MAX_SITES + 1);
    private final AtomicInteger lastId = new AtomicInteger();
    /** Where each marked site is (class, loader, method, line, callee): a site is marked once. */
    private final Map<String, Site> byPlace = new ConcurrentHashMap<>();
    /** The marks of each class, applied whenever the class is retransformed (by this agent or another). */
    private final Map<Class<?>, List<Site>> byClass = Collections.synchronizedMap(new WeakHashMap<>());
    private final LinkedBlockingQueue<Class<?>> toWeave = new LinkedBlockingQueue<>();
    private final AtomicInteger weaverStarted = new AtomicInteger();

    public KnownCallSites(AgentRuntime runtime, Instrumentation inst) {
        this.runtime = runtime;
        this.inst = inst;
    }

    /** Registers the transformer that weaves the marks; last, so that it sees what the other transformers wrote. */
    public void install() {
        inst.addTransformer(this, true);
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
     * when the stack shows the application calling the hooked method itself, marks that call site. Never throws.
     */
    void learn(Finding finding, String key, String operation, int flags, String thread) {
        if (lastId.get() >= MAX_SITES || !runtime.detectorEnabled(NAME) || !finding.site().isPresent()) {
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
            if (!operation.equals(callee.getClassName() + "." + callee.getMethodName())
                    || !StackFrames.isApplicationFrame(caller.getClassName())
                    || !finding.site().get().equals(StackFrames.format(caller.toStackTraceElement()))
                    || caller.getLineNumber() <= 0 || owner.getClassLoader() == null || owner.isHidden()
                    || owner.getModule().isNamed() || !inst.isModifiableClass(owner)) {
                // Only a class-path class can call the bootstrap bridge without a module read edge.
                return;
            }
            Boolean isStatic = isStatic(callee.getDeclaringClass(), callee.getMethodName(), callee.getDescriptor());
            if (isStatic == null) {
                return;
            }
            String place = owner.getName() + "@" + System.identityHashCode(owner.getClassLoader()) + "|"
                    + caller.getMethodName() + caller.getDescriptor() + "|" + caller.getLineNumber() + "|"
                    + callee.getClassName() + "." + callee.getMethodName() + callee.getDescriptor();
            if (byPlace.containsKey(place)) {
                return;
            }
            int id = lastId.incrementAndGet();
            if (id > MAX_SITES) {
                return;
            }
            Site site = new Site(id, isStatic ? null : callee.getDeclaringClass(), operation, flags, thread, finding,
                    key, caller.getMethodName(), caller.getDescriptor(), caller.getLineNumber(),
                    Type.getInternalName(callee.getDeclaringClass()), callee.getMethodName(), callee.getDescriptor());
            if (byPlace.putIfAbsent(place, site) != null) {
                return;
            }
            synchronized (byClass) {
                byClass.computeIfAbsent(owner, c -> new ArrayList<>()).add(site);
            }
            sites.set(id, site);
            StackFrames.retransforming(owner.getName(), caller.getFileName());
            toWeave.add(owner);
            startWeaver();
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

    private void startWeaver() {
        if (weaverStarted.get() != 0 || !weaverStarted.compareAndSet(0, 1)) {
            return;
        }
        Thread weaver = new Thread(new Weaver(this), "loopguard-call-sites");
        weaver.setDaemon(true);
        weaver.start();
    }

    /** Retransforms classes with new marks, off the loop thread: a retransformation takes milliseconds. */
    private static final class Weaver implements Runnable {
        private final KnownCallSites owner;

        Weaver(KnownCallSites owner) {
            this.owner = owner;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Class<?> next = owner.toWeave.take();
                    try {
                        owner.inst.retransformClasses(next);
                    } catch (Throwable e) {
                        // The class stays as it was: its repeats take the stack path.
                        owner.runtime.detectorFailed(NAME, e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] bytes) {
        if (redefined == null) {
            return null; // a class being loaded has no marks yet
        }
        List<Site> marks;
        synchronized (byClass) {
            List<Site> all = byClass.get(redefined);
            marks = all == null ? null : new ArrayList<>(all);
        }
        if (marks == null) {
            return null;
        }
        try {
            return weave(bytes, marks);
        } catch (Throwable e) {
            runtime.detectorFailed(NAME, e);
            return null;
        }
    }

    /** The class with a {@code Bridge.knownSite} call before each marked call instruction; null if none matched. */
    static byte[] weave(byte[] bytes, List<Site> marks) {
        ClassReader reader = new ClassReader(bytes);
        Map<String, Integer> maxLocals = new HashMap<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                String method = name + descriptor;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMaxs(int maxStack, int locals) {
                        maxLocals.put(method, locals);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] changed = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                List<Site> here = new ArrayList<>();
                for (Site s : marks) {
                    if (s.method.equals(name) && s.methodDescriptor.equals(descriptor)) {
                        here.add(s);
                    }
                }
                Integer locals = maxLocals.get(name + descriptor);
                if (here.isEmpty() || mv == null || locals == null) {
                    return mv;
                }
                return new Marker(mv, here, locals, changed);
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : null;
    }

    /**
     * Inserts the mark before each marked call on its line. For an instance call the arguments are put aside in new
     * locals (above every local the method has, so no stack map frame changes), the receiver is passed to the bridge,
     * and the arguments are loaded back.
     */
    private static final class Marker extends MethodVisitor {
        private final List<Site> marks;
        private final int firstFreeLocal;
        private final boolean[] changed;
        private int line;

        Marker(MethodVisitor mv, List<Site> marks, int firstFreeLocal, boolean[] changed) {
            super(Opcodes.ASM9, mv);
            this.marks = marks;
            this.firstFreeLocal = firstFreeLocal;
            this.changed = changed;
        }

        @Override
        public void visitLineNumber(int line, Label start) {
            this.line = line;
            super.visitLineNumber(line, start);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean itf) {
            Site site = match(opcode, owner, name, descriptor);
            if (site != null) {
                changed[0] = true;
                if (site.receiverClass == null) {
                    super.visitInsn(Opcodes.ACONST_NULL);
                    super.visitLdcInsn(site.id);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "knownSite", "(Ljava/lang/Object;I)V", false);
                } else {
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
                    super.visitLdcInsn(site.id);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "knownSite", "(Ljava/lang/Object;I)V", false);
                    for (int i = 0; i < args.length; i++) {
                        super.visitVarInsn(args[i].getOpcode(Opcodes.ILOAD), slots[i]);
                    }
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, itf);
        }

        private Site match(int opcode, String owner, String name, String descriptor) {
            for (Site s : marks) {
                if (s.line != line || !s.calleeName.equals(name) || !s.calleeDescriptor.equals(descriptor)) {
                    continue;
                }
                if (s.receiverClass == null ? opcode == Opcodes.INVOKESTATIC && s.calleeOwner.equals(owner)
                        : opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE) {
                    return s;
                }
            }
            return null;
        }
    }

    /** One marked call site and the finding its repeats count for. */
    static final class Site {
        final int id;
        /** The receiver's exact class at the first occurrence; null for a static method. */
        final Class<?> receiverClass;
        final String operation;
        final int flags;
        final String thread;
        final Finding finding;
        final String key;
        final String method;
        final String methodDescriptor;
        final int line;
        final String calleeOwner;
        final String calleeName;
        final String calleeDescriptor;

        Site(int id, Class<?> receiverClass, String operation, int flags, String thread, Finding finding, String key,
             String method, String methodDescriptor, int line, String calleeOwner, String calleeName,
             String calleeDescriptor) {
            this.id = id;
            this.receiverClass = receiverClass;
            this.operation = operation;
            this.flags = flags;
            this.thread = thread;
            this.finding = finding;
            this.key = key;
            this.method = method;
            this.methodDescriptor = methodDescriptor;
            this.line = line;
            this.calleeOwner = calleeOwner;
            this.calleeName = calleeName;
            this.calleeDescriptor = calleeDescriptor;
        }

        /** Whether a hook's call is this site's watched method, of the same kind, on the same thread. */
        boolean matches(String operation, int flags, Thread thread) {
            return this.flags == flags && this.operation.equals(operation) && this.thread.equals(thread.getName());
        }
    }
}
