package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.weaving.TypeHierarchy;
import java.util.ArrayDeque;
import java.util.Set;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites the call instructions of one application method whose result is a future or a publisher:
 * <ul>
 *   <li>{@code INVOKE…; POP} (the caller drops the result) becomes {@code INVOKE…; LDC site; INVOKESTATIC
 *       TaskBridge.discarded}, which reports an IGNORED_FUTURE the first time the line runs, or remembers where the
 *       future was dropped;</li>
 *   <li>any other use of a returned future gets {@code DUP; LDC site; INVOKESTATIC TaskBridge.created} right after the
 *       call, so tracking knows where the future came from without walking the stack.</li>
 * </ul>
 * The inserted code leaves the operand stack as it found it at every branch target, so existing stack map frames stay
 * valid; only the maximum stack depth grows by two.
 */
final class CallSiteRewriter extends MethodVisitor {

    static final String BRIDGE = "dev/loopguard/agent/bootstrap/TaskBridge";

    // Calls whose result is the receiver itself, or what a wait produced: dropping it drops nothing.
    private static final Set<String> RECEIVER_OR_WAIT = Set.of(
            "sync", "syncUninterruptibly", "await", "awaitUninterruptibly", "join", "get", "getNow", "resultNow",
            "block", "blockFirst", "blockLast", "blockOptional", "toCompletableFuture", "addListener", "addListeners",
            "removeListener", "removeListeners", "onSuccess", "onFailure", "onComplete", "setHandler", "orTimeout",
            "completeOnTimeout", "setSuccess", "setFailure", "subscribeWith", "obtrudeValue", "obtrudeException");

    private static final Set<String> FIRE_AND_FORGET_ANNOTATIONS = Set.of("FireAndForget", "CanIgnoreReturnValue");

    private final String callerClass;
    private final String callerMethod;
    private final String sourceFile;
    private final ReturnTypeClassifier classifier;
    private final TypeHierarchy hierarchy;
    private final CallSitePolicy policy;
    private final CallSites sites;
    private final ArrayDeque<String> pendingNews = new ArrayDeque<>();

    private int line;
    private Pending pending;

    /**
     * @param callerClass binary name of the class being instrumented
     * @param sourceFile  its {@code SourceFile} attribute, may be null
     */
    CallSiteRewriter(MethodVisitor next, String callerClass, String callerMethod, String sourceFile,
                     ReturnTypeClassifier classifier, TypeHierarchy hierarchy, CallSitePolicy policy, CallSites sites) {
        super(Opcodes.ASM9, next);
        this.callerClass = callerClass;
        this.callerMethod = callerMethod;
        this.sourceFile = sourceFile;
        this.classifier = classifier;
        this.hierarchy = hierarchy;
        this.policy = policy;
        this.sites = sites;
    }

    /** A call whose result is on top of the stack and whose fate the next instruction decides. */
    private static final class Pending {
        final String owner;
        final String name;
        final String returnType;
        final ResultKind kind;
        final boolean receiverOrWait;
        final boolean unrunTasks;
        final String descriptor;

        Pending(String owner, String name, String descriptor, String returnType, ResultKind kind,
                boolean receiverOrWait, boolean unrunTasks) {
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.returnType = returnType;
            this.kind = kind;
            this.receiverOrWait = receiverOrWait;
            this.unrunTasks = unrunTasks;
        }
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        flush();
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        String ownerName = owner.replace('/', '.');
        if ("<init>".equals(name)) {
            if (!pendingNews.isEmpty() && owner.equals(pendingNews.peek())) {
                pendingNews.pop();
                ResultKind kind = classifier.classify(ownerName);
                if (kind == ResultKind.EAGER_FUTURE) {
                    pending = new Pending(ownerName, "<init>", descriptor, ownerName, kind, false, false);
                }
            }
            return;
        }
        if ("shutdownNow".equals(name) && "()Ljava/util/List;".equals(descriptor)) {
            pending = new Pending(ownerName, name, descriptor, "java.util.List", ResultKind.OTHER, false, true);
            return;
        }
        ResultKind kind = classifier.classifyReturn(descriptor);
        if (kind != ResultKind.OTHER) {
            String ret = descriptor.substring(descriptor.lastIndexOf(')') + 2, descriptor.length() - 1).replace('/', '.');
            boolean receiverOrWait = opcode != Opcodes.INVOKESTATIC && RECEIVER_OR_WAIT.contains(name);
            pending = new Pending(ownerName, name, descriptor, ret, kind, receiverOrWait, false);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode == Opcodes.POP && pending != null) {
            Pending dropped = pending;
            pending = null;
            if (rewriteDrop(dropped)) {
                return;
            }
        } else {
            flush();
        }
        super.visitInsn(opcode);
    }

    /** Emits the bridge call that consumes the dropped value; false when the plain POP stays. */
    private boolean rewriteDrop(Pending dropped) {
        CallSite.Disposition disposition;
        if (dropped.unrunTasks) {
            disposition = CallSite.Disposition.DROPPED_UNRUN_TASKS;
        } else if (dropped.receiverOrWait || isFireAndForget(dropped)) {
            return false;
        } else if (dropped.kind == ResultKind.LAZY_PUBLISHER) {
            disposition = CallSite.Disposition.DROPPED_PUBLISHER;
        } else if (policy.isApplicationClass(dropped.owner) && !"<init>".equals(dropped.name)) {
            disposition = CallSite.Disposition.DROPPED_APPLICATION_FUTURE;
        } else if (policy.strict() || policy.trackFutures()) {
            disposition = CallSite.Disposition.DROPPED_FRAMEWORK_FUTURE;
        } else {
            return false; // not a finding, and no tracking that could use the drop site
        }
        int id = sites.register(callerClass, callerMethod, sourceFile, line, dropped.owner, dropped.name,
                dropped.returnType, disposition);
        if (disposition == CallSite.Disposition.DROPPED_UNRUN_TASKS) {
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitLdcInsn(id);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "unrunTasks", "(Ljava/lang/Object;Ljava/lang/Object;I)V",
                    false);
        } else {
            super.visitLdcInsn(id);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "discarded", "(Ljava/lang/Object;I)V", false);
        }
        return true;
    }

    private boolean isFireAndForget(Pending call) {
        if (policy.isFireAndForget(call.owner, call.name)) {
            return true;
        }
        // Class and method annotations of the callee's declaring class, read from its class file; CLASS retention
        // (Error Prone's @CanIgnoreReturnValue) counts. An annotation that cannot be read cannot have been meant for us.
        return hasFireAndForgetAnnotation(hierarchy.annotationSimpleNames(call.owner, call.name, call.descriptor));
    }

    private static boolean hasFireAndForgetAnnotation(Set<String> simpleNames) {
        for (String name : simpleNames) {
            if (FIRE_AND_FORGET_ANNOTATIONS.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** The future on the stack is kept by the caller: tag it with its site, when tracking is on. */
    private void flush() {
        Pending kept = pending;
        if (kept == null) {
            return;
        }
        pending = null;
        if (kept.kind != ResultKind.EAGER_FUTURE || kept.receiverOrWait || !policy.trackFutures()) {
            return;
        }
        int id = sites.register(callerClass, callerMethod, sourceFile, line, kept.owner, kept.name, kept.returnType,
                CallSite.Disposition.RETURNED_FUTURE);
        super.visitInsn(Opcodes.DUP);
        super.visitLdcInsn(id);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "created", "(Ljava/lang/Object;I)V", false);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        flush();
        if (opcode == Opcodes.NEW) {
            pendingNews.push(type);
        }
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitLineNumber(int line, Label start) {
        flush();
        this.line = line;
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        flush();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        flush();
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        flush();
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrapMethodHandle,
                                       Object... bootstrapMethodArguments) {
        flush();
        super.visitInvokeDynamicInsn(name, descriptor, bootstrapMethodHandle, bootstrapMethodArguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        flush();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
        flush();
        super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        flush();
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        flush();
        super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        flush();
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        flush();
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        flush();
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        flush();
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        flush();
        super.visitMaxs(maxStack + 2, maxLocals);
    }
}
