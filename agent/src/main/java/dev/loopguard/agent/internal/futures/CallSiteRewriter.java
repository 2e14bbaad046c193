package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.weaving.TypeHierarchy;
import java.util.ArrayDeque;
import java.util.Set;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;

/**
 * Rewrites the call instructions of one application method whose result is a future or a publisher:
 * <ul>
 *   <li>{@code INVOKE…; POP} (the caller drops the result) becomes {@code INVOKE…; LDC site; INVOKESTATIC
 *       TaskBridge.discarded}, which reports an IGNORED_FUTURE the first time the line runs, or remembers where the
 *       future was dropped;</li>
 *   <li>any other use of a returned future gets {@code DUP; LDC site; INVOKESTATIC TaskBridge.created} right after the
 *       call, so tracking knows where the future came from without walking the stack;</li>
 *   <li>except a stage that the same expression chains at once ({@code a.thenApplyAsync(f, loop).handle(g)}: the
 *       {@code thenApplyAsync} stage), which is left alone: it completes when {@code a} does, so it is lost only if
 *       {@code a} is, and the stage chained onto it either handles its failure or passes it on to the leaf, which is
 *       tracked. Not tracking it saves a record per such stage at {@code tasks=full}.</li>
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

    private static final Set<String> STAGE_OWNERS = Set.of(
            "java/util/concurrent/CompletableFuture", "java/util/concurrent/CompletionStage");

    /**
     * Stage methods whose new stage either sees its source's failure or passes it on: chained onto a stage, they leave
     * nothing of that stage to observe. The "either" stages are not among them: they drop a failure that loses the race.
     */
    private static final Set<String> HANDLING_OR_PASSING_ON = Set.of(
            "thenApply", "thenApplyAsync", "thenAccept", "thenAcceptAsync", "thenRun", "thenRunAsync",
            "thenCombine", "thenCombineAsync", "thenAcceptBoth", "thenAcceptBothAsync", "runAfterBoth",
            "runAfterBothAsync", "thenCompose", "thenComposeAsync", "handle", "handleAsync", "whenComplete",
            "whenCompleteAsync", "exceptionally", "exceptionallyAsync", "exceptionallyCompose",
            "exceptionallyComposeAsync");

    /** How many instructions (argument pushes, labels, lines) a chained call may follow its stage by. */
    private static final int LOOKAHEAD_LIMIT = 24;

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
     * While {@link #pending} is a stage that may be chained at once: the instructions seen since, held back until the
     * next call shows whether it takes the stage as its receiver, and the operand stack slots they left above it.
     */
    private final ArrayDeque<Held> heldBack = new ArrayDeque<>();
    private int slotsAbove;
    private boolean lookingAhead;

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
        final int line;

        Pending(String owner, String name, String descriptor, String returnType, ResultKind kind,
                boolean receiverOrWait, boolean unrunTasks, int line) {
            this.line = line;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.returnType = returnType;
            this.kind = kind;
            this.receiverOrWait = receiverOrWait;
            this.unrunTasks = unrunTasks;
        }
    }

    /**
     * One instruction held back while looking ahead, replayed in order. Plain data rather than a lambda per
     * instruction: the rewriter runs on every method of every application class, and a lambda in the agent would
     * bootstrap {@code java.lang.invoke} at start-up.
     */
    private static final class Held {
        static final int INSN = 0;
        static final int INT = 1;
        static final int VAR = 2;
        static final int FIELD = 3;
        static final int INDY = 4;
        static final int LABEL = 5;
        static final int LDC = 6;
        static final int LINE = 7;

        final int kind;
        final int opcode;
        final int operand;
        final Object value;
        final String owner;
        final String name;
        final String descriptor;
        final Object[] arguments;

        Held(int kind, int opcode, int operand, Object value, String owner, String name, String descriptor,
             Object[] arguments) {
            this.kind = kind;
            this.opcode = opcode;
            this.operand = operand;
            this.value = value;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.arguments = arguments;
        }

        void replay(MethodVisitor next) {
            switch (kind) {
                case INSN:
                    next.visitInsn(opcode);
                    break;
                case INT:
                    next.visitIntInsn(opcode, operand);
                    break;
                case VAR:
                    next.visitVarInsn(opcode, operand);
                    break;
                case FIELD:
                    next.visitFieldInsn(opcode, owner, name, descriptor);
                    break;
                case INDY:
                    next.visitInvokeDynamicInsn(name, descriptor, (Handle) value, arguments);
                    break;
                case LABEL:
                    next.visitLabel((Label) value);
                    break;
                case LDC:
                    next.visitLdcInsn(value);
                    break;
                case LINE:
                    next.visitLineNumber(operand, (Label) value);
                    break;
                default:
                    throw new IllegalStateException("no such held instruction: " + kind);
            }
        }
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        if (lookingAhead && opcode != Opcodes.INVOKESTATIC && STAGE_OWNERS.contains(owner)
                && HANDLING_OR_PASSING_ON.contains(name) && argumentSlots(descriptor) == slotsAbove) {
            pending = null; // chained at once: the stage below the arguments is this call's receiver
        }
        flush();
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        String ownerName = owner.replace('/', '.');
        if ("<init>".equals(name)) {
            if (!pendingNews.isEmpty() && owner.equals(pendingNews.peek())) {
                pendingNews.pop();
                ResultKind kind = classifier.classify(ownerName);
                if (kind == ResultKind.EAGER_FUTURE) {
                    pending = new Pending(ownerName, "<init>", descriptor, ownerName, kind, false, false, line);
                }
            }
            return;
        }
        if ("shutdownNow".equals(name) && "()Ljava/util/List;".equals(descriptor)) {
            pending = new Pending(ownerName, name, descriptor, "java.util.List", ResultKind.OTHER, false, true, line);
            return;
        }
        ResultKind kind = classifier.classifyReturn(descriptor);
        if (kind != ResultKind.OTHER) {
            String ret = descriptor.substring(descriptor.lastIndexOf(')') + 2, descriptor.length() - 1).replace('/', '.');
            boolean receiverOrWait = opcode != Opcodes.INVOKESTATIC && RECEIVER_OR_WAIT.contains(name);
            pending = new Pending(ownerName, name, descriptor, ret, kind, receiverOrWait, false, line);
            lookingAhead = kind == ResultKind.EAGER_FUTURE && !receiverOrWait && policy.trackFutures()
                    && opcode != Opcodes.INVOKESTATIC && STAGE_OWNERS.contains(owner)
                    && HANDLING_OR_PASSING_ON.contains(name);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.ACONST_NULL && opcode <= Opcodes.DCONST_1 && holdBack(0,
                opcode == Opcodes.LCONST_0 || opcode == Opcodes.LCONST_1 || opcode >= Opcodes.DCONST_0 ? 2 : 1)) {
            heldBack.add(new Held(Held.INSN, opcode, 0, null, null, null, null, null));
            return;
        }
        if (opcode == Opcodes.POP && pending != null && heldBack.isEmpty()) {
            Pending dropped = pending;
            pending = null;
            lookingAhead = false;
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
        int id = sites.register(callerClass, callerMethod, sourceFile, dropped.line, dropped.owner, dropped.name,
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

    /**
     * The future on the stack is kept by the caller: tag it with its site, when tracking is on; then let through what
     * was held back while looking ahead.
     */
    private void flush() {
        Pending kept = pending;
        pending = null;
        if (kept != null && kept.kind == ResultKind.EAGER_FUTURE && !kept.receiverOrWait && policy.trackFutures()) {
            int id = sites.register(callerClass, callerMethod, sourceFile, kept.line, kept.owner, kept.name,
                    kept.returnType, CallSite.Disposition.RETURNED_FUTURE);
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(id);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "created", "(Ljava/lang/Object;I)V", false);
        }
        lookingAhead = false;
        slotsAbove = 0;
        while (!heldBack.isEmpty()) {
            heldBack.poll().replay(mv);
        }
    }

    /**
     * Whether to hold back an instruction that pushes {@code pushed} slots after popping {@code popped}, while a
     * stage may yet turn out to be chained at once (the caller then adds it to {@link #heldBack}); false when not
     * looking ahead, or when the instruction would reach the stage itself, or when too much has been held already
     * (then the look-ahead ends here).
     */
    private boolean holdBack(int popped, int pushed) {
        if (!lookingAhead) {
            return false;
        }
        if (popped > slotsAbove || heldBack.size() >= LOOKAHEAD_LIMIT) {
            flush();
            return false;
        }
        slotsAbove += pushed - popped;
        return true;
    }

    private static int argumentSlots(String descriptor) {
        int slots = 0;
        for (Type argument : Type.getArgumentTypes(descriptor)) {
            slots += argument.getSize();
        }
        return slots;
    }

    private static int slots(String fieldDescriptor) {
        return "J".equals(fieldDescriptor) || "D".equals(fieldDescriptor) ? 2 : 1;
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
        if (holdBack(0, 0)) {
            heldBack.add(new Held(Held.LINE, 0, line, start, null, null, null, null));
            this.line = line; // a site registered later is at the line of its own call, kept in its Pending
            return;
        }
        flush();
        this.line = line;
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        if ((opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH) && holdBack(0, 1)) {
            heldBack.add(new Held(Held.INT, opcode, operand, null, null, null, null, null));
            return;
        }
        flush();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        if (opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD
                && holdBack(0, opcode == Opcodes.LLOAD || opcode == Opcodes.DLOAD ? 2 : 1)) {
            heldBack.add(new Held(Held.VAR, opcode, varIndex, null, null, null, null, null));
            return;
        }
        flush();
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        if (opcode == Opcodes.GETSTATIC && holdBack(0, slots(descriptor))) {
            heldBack.add(new Held(Held.FIELD, opcode, 0, null, owner, name, descriptor, null));
            return;
        }
        flush();
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrapMethodHandle,
                                       Object... bootstrapMethodArguments) {
        // A lambda or method reference, usually: it takes what it captures off the stack. The descriptor is parsed
        // only while looking ahead, not for every invokedynamic of every instrumented method.
        if (lookingAhead && holdBack(argumentSlots(descriptor), Type.getReturnType(descriptor).getSize())) {
            heldBack.add(new Held(Held.INDY, 0, 0, bootstrapMethodHandle, null, name, descriptor,
                    bootstrapMethodArguments));
            return;
        }
        flush();
        super.visitInvokeDynamicInsn(name, descriptor, bootstrapMethodHandle, bootstrapMethodArguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        flush();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public AnnotationVisitor visitInsnAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        if (!heldBack.isEmpty()) {
            flush(); // the annotation belongs to the last instruction held back: let that through first
        }
        return super.visitInsnAnnotation(typeRef, typePath, descriptor, visible);
    }

    @Override
    public void visitLabel(Label label) {
        // A label between a stage and its chained call marks a new line; a jump to it would come with a frame,
        // which ends the look-ahead (visitFrame flushes before it).
        if (holdBack(0, 0)) {
            heldBack.add(new Held(Held.LABEL, 0, 0, label, null, null, null, null));
            return;
        }
        flush();
        super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        int size = value instanceof ConstantDynamic ? ((ConstantDynamic) value).getSize()
                : value instanceof Long || value instanceof Double ? 2 : 1;
        if (holdBack(0, size)) {
            heldBack.add(new Held(Held.LDC, 0, 0, value, null, null, null, null));
            return;
        }
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
