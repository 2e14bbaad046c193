package dev.loopguard.agent.internal.tasks;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Decides, from its bytecode, whether a {@code rejectedExecution(Runnable, ThreadPoolExecutor)} method can ever let
 * the task it is given (local 1) go anywhere. Passes every instruction on unchanged to the next visitor, records
 * them, and analyses them when the method ends; {@link #neverKeepsTask()} is the verdict.
 *
 * <p>The analysis runs forward over the instructions in code order, tracking which operand-stack slots and locals
 * may hold the task or an array that holds it. Locals are tracked flow-insensitively (a local that ever receives
 * the task is tainted everywhere; the pass repeats until no new local is tainted). Operand stacks meet at branch
 * targets only through forward branches in javac's code (conditional expressions, boolean values): the stack at a
 * target is the union of the stacks of the branches to it and of the fall-through. A backward branch with a value
 * that may be the task on the stack, or a target with a non-empty stack reached in a way not seen (no stack map
 * frame where one is needed, as in old class files), makes the verdict "may keep".
 *
 * <p>Uses that do not keep the task: {@code toString()}, {@code hashCode()}, {@code getClass()}, {@code equals};
 * {@code String.valueOf}, {@code Objects.toString}/{@code hashCode}/{@code hash}/{@code equals}/{@code isNull}/
 * {@code nonNull}, {@code System.identityHashCode}, {@code Arrays.toString}/{@code deepToString}; string
 * concatenation (an {@code invokedynamic} of {@code StringConcatFactory}, {@code StringBuilder}/{@code StringBuffer}
 * {@code append}/{@code insert}); {@code String.format}/{@code formatted}; {@code instanceof}, {@code checkcast},
 * null and reference comparisons, {@code synchronized}, {@code pop}; {@code Objects.requireNonNull} (whose result is
 * the task, tracked on); and passing the task, or a freshly made {@code Object[]} that holds it (varargs), to a
 * void logging method of {@code java.util.logging.Logger}, {@code java.lang.System.Logger}, {@code org.slf4j.Logger},
 * {@code org.apache.logging.log4j.Logger} or {@code org.apache.commons.logging.Log}, or to {@code PrintStream}
 * {@code print}/{@code println}/{@code printf}/{@code format}. Anything else that consumes a value that may be the
 * task (a field store, another call's argument or receiver, {@code areturn}, {@code athrow}, an array that is not
 * only passed to a logger, a lambda capturing it, {@code jsr}, an instruction not modelled here) means the method
 * may keep it. So does a method without code, or any failure of the analysis itself.
 */
public final class RejectionHandlerAnalyzer extends MethodVisitor {

    static final String METHOD_NAME = "rejectedExecution";
    static final String METHOD_DESCRIPTOR = "(Ljava/lang/Runnable;Ljava/util/concurrent/ThreadPoolExecutor;)V";

    /** The descriptor's tail that the body of a lambda or method reference handler ends with. */
    static final String HANDLER_PARAMETERS = "Ljava/lang/Runnable;Ljava/util/concurrent/ThreadPoolExecutor;)V";
    /** More passes than this (each one taints at least one new local) is not a handler worth judging. */
    private static final int MAX_PASSES = 64;
    /** Value encoding of a stack slot: bit 0 = may hold the task; the rest = id of a fresh array on the stack. */
    private static final int TASK = 1;

    private static final Set<String> OBJECT_QUERIES = Set.of(
            "toString()Ljava/lang/String;", "hashCode()I", "getClass()Ljava/lang/Class;", "equals(Ljava/lang/Object;)Z");

    /** Static methods that read their argument and return something that is not it. */
    private static final Set<String> READING_STATICS = Set.of(
            "java/lang/String.valueOf(Ljava/lang/Object;)Ljava/lang/String;",
            "java/lang/String.format(Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/String;",
            "java/lang/String.format(Ljava/util/Locale;Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/String;",
            "java/util/Objects.toString(Ljava/lang/Object;)Ljava/lang/String;",
            "java/util/Objects.toString(Ljava/lang/Object;Ljava/lang/String;)Ljava/lang/String;",
            "java/util/Objects.hashCode(Ljava/lang/Object;)I",
            "java/util/Objects.hash([Ljava/lang/Object;)I",
            "java/util/Objects.equals(Ljava/lang/Object;Ljava/lang/Object;)Z",
            "java/util/Objects.isNull(Ljava/lang/Object;)Z",
            "java/util/Objects.nonNull(Ljava/lang/Object;)Z",
            "java/lang/System.identityHashCode(Ljava/lang/Object;)I",
            "java/util/Arrays.toString([Ljava/lang/Object;)Ljava/lang/String;",
            "java/util/Arrays.deepToString([Ljava/lang/Object;)Ljava/lang/String;");

    /** Static methods that return their first argument: the result is the task again. */
    private static final Set<String> RETURNS_FIRST_ARGUMENT = Set.of(
            "java/util/Objects.requireNonNull(Ljava/lang/Object;)Ljava/lang/Object;",
            "java/util/Objects.requireNonNull(Ljava/lang/Object;Ljava/lang/String;)Ljava/lang/Object;",
            "java/util/Objects.requireNonNull(Ljava/lang/Object;Ljava/util/function/Supplier;)Ljava/lang/Object;");

    /** Logging types and their void methods that only format their arguments into a message. */
    private static final Map<String, Set<String>> LOGGING_METHODS = Map.of(
            "java/util/logging/Logger", Set.of("log", "logp", "logrb", "severe", "warning", "info", "config", "fine",
                    "finer", "finest", "entering", "exiting", "throwing"),
            "java/lang/System$Logger", Set.of("log"),
            "org/slf4j/Logger", Set.of("trace", "debug", "info", "warn", "error"),
            "org/apache/logging/log4j/Logger", Set.of("trace", "debug", "info", "warn", "error", "fatal", "log",
                    "printf"),
            "org/apache/commons/logging/Log", Set.of("trace", "debug", "info", "warn", "error", "fatal"));

    private static final Set<String> PRINT_METHODS = Set.of("print", "println", "printf", "format");

    private final List<Insn> code = new ArrayList<>();
    private final Set<Label> jumpTargets = new HashSet<>();
    private final Set<Label> handlers = new HashSet<>();
    private boolean hasCode;
    private boolean verdict;

    /** The local that holds the task on entry. */
    private final int taskLocal;

    /** @param next the visitor every instruction is passed on to; may be null */
    public RejectionHandlerAnalyzer(MethodVisitor next) {
        this(next, 1);
    }

    /**
     * For the method behind a lambda or method reference handler, whose task parameter follows what the lambda
     * captured ({@link #taskLocal(int, String)}).
     */
    public RejectionHandlerAnalyzer(MethodVisitor next, int taskLocal) {
        super(Opcodes.ASM9, next);
        this.taskLocal = taskLocal;
    }

    /**
     * True for a method that can implement a handler as a lambda body or method reference: its last two parameters
     * are the task and the executor, after whatever the lambda captured, and it returns nothing.
     */
    public static boolean isHandlerImplementation(int access, String name, String descriptor) {
        return descriptor.endsWith(HANDLER_PARAMETERS) && !isHandlerMethod(access, name, descriptor)
                && (access & Opcodes.ACC_ABSTRACT) == 0;
    }

    /** The local of the task parameter of such a method: after {@code this} and the captured values. */
    public static int taskLocal(int access, String descriptor) {
        int local = (access & Opcodes.ACC_STATIC) == 0 ? 1 : 0;
        Type[] parameters = Type.getArgumentTypes(descriptor);
        for (int i = 0; i < parameters.length - 2; i++) {
            local += parameters[i].getSize();
        }
        return local;
    }

    /** True for the instance method {@code rejectedExecution(Runnable, ThreadPoolExecutor)}. */
    public static boolean isHandlerMethod(int access, String name, String descriptor) {
        return (access & Opcodes.ACC_STATIC) == 0 && METHOD_NAME.equals(name) && METHOD_DESCRIPTOR.equals(descriptor);
    }

    /** The verdict, once the method was visited to its end: true only when the task can never leave the method. */
    public boolean neverKeepsTask() {
        return verdict;
    }

    // ---------------------------------------------------------------------------------------------- recording

    /** One recorded instruction, label or frame. */
    private static final class Insn {
        final int kind;
        final int opcode;
        final int operand;
        final String owner;
        final String name;
        final String descriptor;
        final Object constant;
        final Label label;

        Insn(int kind, int opcode, int operand, String owner, String name, String descriptor, Object constant,
             Label label) {
            this.kind = kind;
            this.opcode = opcode;
            this.operand = operand;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.constant = constant;
            this.label = label;
        }
    }

    private static final int INSN = 0;
    private static final int INT_INSN = 1;
    private static final int VAR_INSN = 2;
    private static final int TYPE_INSN = 3;
    private static final int FIELD_INSN = 4;
    private static final int METHOD_INSN = 5;
    private static final int INDY_INSN = 6;
    private static final int JUMP_INSN = 7;
    private static final int LABEL = 8;
    private static final int LDC_INSN = 9;
    private static final int IINC_INSN = 10;
    private static final int SWITCH_INSN = 11;
    private static final int MULTI_ANEWARRAY_INSN = 12;
    private static final int FRAME = 13;

    private void add(int kind, int opcode, int operand, String owner, String name, String descriptor,
                     Object constant, Label label) {
        code.add(new Insn(kind, opcode, operand, owner, name, descriptor, constant, label));
    }

    @Override
    public void visitCode() {
        hasCode = true;
        super.visitCode();
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        int entries;
        switch (type) {
            case Opcodes.F_NEW:
            case Opcodes.F_FULL:
                entries = numStack;
                break;
            case Opcodes.F_SAME1:
                entries = 1;
                break;
            default:
                entries = 0; // F_SAME, F_APPEND, F_CHOP
        }
        int slots = 0;
        for (int i = 0; i < entries; i++) {
            slots += stack[i] == Opcodes.LONG || stack[i] == Opcodes.DOUBLE ? 2 : 1;
        }
        add(FRAME, 0, slots, null, null, null, null, null);
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
        add(INSN, opcode, 0, null, null, null, null, null);
        super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        add(INT_INSN, opcode, operand, null, null, null, null, null);
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        add(VAR_INSN, opcode, varIndex, null, null, null, null, null);
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        add(TYPE_INSN, opcode, 0, type, null, null, null, null);
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        add(FIELD_INSN, opcode, 0, owner, name, descriptor, null, null);
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        add(METHOD_INSN, opcode, 0, owner, name, descriptor, null, null);
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrapMethodHandle,
                                       Object... bootstrapMethodArguments) {
        add(INDY_INSN, Opcodes.INVOKEDYNAMIC, 0, bootstrapMethodHandle.getOwner(), name, descriptor, null, null);
        super.visitInvokeDynamicInsn(name, descriptor, bootstrapMethodHandle, bootstrapMethodArguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        jumpTargets.add(label);
        add(JUMP_INSN, opcode, 0, null, null, null, null, label);
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
        add(LABEL, 0, 0, null, null, null, null, label);
        super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        add(LDC_INSN, Opcodes.LDC, 0, null, null, null, value, null);
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        add(IINC_INSN, Opcodes.IINC, varIndex, null, null, null, null, null);
        super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        jumpTargets.add(dflt);
        jumpTargets.addAll(List.of(labels));
        add(SWITCH_INSN, Opcodes.TABLESWITCH, 0, null, null, null, targets(dflt, labels), null);
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        jumpTargets.add(dflt);
        jumpTargets.addAll(List.of(labels));
        add(SWITCH_INSN, Opcodes.LOOKUPSWITCH, 0, null, null, null, targets(dflt, labels), null);
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    private static Label[] targets(Label dflt, Label[] labels) {
        Label[] all = java.util.Arrays.copyOf(labels, labels.length + 1);
        all[labels.length] = dflt;
        return all;
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        add(MULTI_ANEWARRAY_INSN, Opcodes.MULTIANEWARRAY, numDimensions, null, null, descriptor, null, null);
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        handlers.add(handler);
        super.visitTryCatchBlock(start, end, handler, type);
    }

    @Override
    public void visitEnd() {
        verdict = analyse();
        code.clear();
        super.visitEnd();
    }

    // ---------------------------------------------------------------------------------------------- analysis

    /** Thrown inside a pass the moment a value that may be the task goes somewhere not modelled as harmless. */
    private static final class MayKeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final MayKeep INSTANCE = new MayKeep();

        private MayKeep() {
            super("the task may be kept", null, false, false);
        }
    }

    private boolean analyse() {
        if (!hasCode) {
            return false;
        }
        try {
            BitSet taintedLocals = new BitSet();
            taintedLocals.set(taskLocal);
            for (int pass = 0; pass < MAX_PASSES; pass++) {
                Pass p = new Pass(taintedLocals);
                p.run();
                if (!p.localsGrew) {
                    return true;
                }
            }
            return false;
        } catch (MayKeep keeps) {
            return false;
        } catch (RuntimeException unexpected) {
            // Malformed or unexpected code: no verdict we could defend, so the handler is never judged.
            return false;
        }
    }

    /** One forward pass over the recorded code with the locals tainted so far. */
    private final class Pass {
        private final BitSet taintedLocals;
        private final BitSet aliasedArrays = new BitSet();
        private int[] stack = new int[16];
        private int size;
        private int nextArray = 1;
        private boolean localsGrew;
        /** After goto, return, throw or a switch: the stack is unknown until the next frame. */
        private boolean unknownStack;
        /** At a branch target or handler: a frame must come before the next instruction. */
        private boolean needFrame;
        /** The labels at the current position. */
        private final List<Label> here = new ArrayList<>(2);
        /** Labels already passed in this pass: a branch to one of them goes backward. */
        private final Set<Label> passed = new HashSet<>();
        /** For each forward branch target, the union of the stacks branched to it so far (taint only). */
        private final Map<Label, int[]> incoming = new java.util.HashMap<>();

        Pass(BitSet taintedLocals) {
            this.taintedLocals = taintedLocals;
        }

        void run() {
            for (Insn insn : code) {
                switch (insn.kind) {
                    case LABEL:
                        if (jumpTargets.contains(insn.label) || handlers.contains(insn.label)) {
                            needFrame = true;
                        }
                        here.add(insn.label);
                        passed.add(insn.label);
                        continue;
                    case FRAME:
                        frame(insn.operand);
                        continue;
                    default:
                        if (unknownStack || needFrame) {
                            throw MayKeep.INSTANCE; // no stack map frame where one is required: old or odd code
                        }
                        here.clear();
                        execute(insn);
                }
            }
        }

        private void frame(int slots) {
            boolean atHandler = false;
            for (Label label : here) {
                atHandler |= handlers.contains(label);
            }
            if (atHandler && slots == 1) {
                size = 0;
                push(0); // the caught exception
            } else if (slots == 0) {
                size = 0;
            } else {
                int[] merged = unknownStack ? null : plain(java.util.Arrays.copyOf(stack, size));
                for (Label label : here) {
                    merged = union(merged, incoming.get(label));
                }
                if (merged == null || merged.length != slots) {
                    throw MayKeep.INSTANCE; // a stack reached in a way not seen: not modelled
                }
                stack = java.util.Arrays.copyOf(merged, Math.max(16, merged.length * 2));
                size = merged.length;
            }
            unknownStack = false;
            needFrame = false;
        }

        /** The stack as it reaches {@code target} from here. */
        private void branchTo(Label target) {
            if (passed.contains(target)) {
                for (int i = 0; i < size; i++) {
                    if (isTask(stack[i])) {
                        throw MayKeep.INSTANCE; // backward, with the task on the stack: not modelled
                    }
                }
                return;
            }
            int[] merged = union(incoming.get(target), plain(java.util.Arrays.copyOf(stack, size)));
            incoming.put(target, merged);
        }

        private void execute(Insn insn) {
            switch (insn.kind) {
                case INSN:
                    insn(insn.opcode);
                    break;
                case INT_INSN:
                    if (insn.opcode == Opcodes.NEWARRAY) {
                        primitive(1, 1);
                    } else {
                        push(0); // BIPUSH, SIPUSH
                    }
                    break;
                case VAR_INSN:
                    var(insn.opcode, insn.operand);
                    break;
                case TYPE_INSN:
                    type(insn.opcode);
                    break;
                case FIELD_INSN:
                    field(insn.opcode, insn.descriptor);
                    break;
                case METHOD_INSN:
                    call(insn.opcode, insn.owner, insn.name, insn.descriptor);
                    break;
                case INDY_INSN:
                    invokeDynamic(insn.owner, insn.descriptor);
                    break;
                case JUMP_INSN:
                    jump(insn.opcode, insn.label);
                    break;
                case LDC_INSN:
                    ldc(insn.constant);
                    break;
                case IINC_INSN:
                    break;
                case SWITCH_INSN:
                    primitive(1, 0);
                    for (Label target : (Label[]) insn.constant) {
                        branchTo(target);
                    }
                    unknownStack = true;
                    break;
                case MULTI_ANEWARRAY_INSN:
                    primitive(insn.operand, 1);
                    break;
                default:
                    throw MayKeep.INSTANCE;
            }
        }

        private void insn(int opcode) {
            if (opcode >= Opcodes.IADD && opcode <= Opcodes.DCMPG) {
                arithmetic(opcode);
                return;
            }
            switch (opcode) {
                case Opcodes.NOP:
                    break;
                case Opcodes.ACONST_NULL:
                case Opcodes.ICONST_M1:
                case Opcodes.ICONST_0:
                case Opcodes.ICONST_1:
                case Opcodes.ICONST_2:
                case Opcodes.ICONST_3:
                case Opcodes.ICONST_4:
                case Opcodes.ICONST_5:
                case Opcodes.FCONST_0:
                case Opcodes.FCONST_1:
                case Opcodes.FCONST_2:
                    push(0);
                    break;
                case Opcodes.LCONST_0:
                case Opcodes.LCONST_1:
                case Opcodes.DCONST_0:
                case Opcodes.DCONST_1:
                    push(0);
                    push(0);
                    break;
                case Opcodes.IALOAD:
                case Opcodes.FALOAD:
                case Opcodes.BALOAD:
                case Opcodes.CALOAD:
                case Opcodes.SALOAD:
                    primitive(2, 1);
                    break;
                case Opcodes.LALOAD:
                case Opcodes.DALOAD:
                    primitive(2, 2);
                    break;
                case Opcodes.AALOAD: {
                    primitive(1, 0); // index
                    int array = pop();
                    push(isTask(array) ? TASK : 0);
                    break;
                }
                case Opcodes.IASTORE:
                case Opcodes.FASTORE:
                case Opcodes.BASTORE:
                case Opcodes.CASTORE:
                case Opcodes.SASTORE:
                    primitive(3, 0);
                    break;
                case Opcodes.LASTORE:
                case Opcodes.DASTORE:
                    primitive(4, 0);
                    break;
                case Opcodes.AASTORE:
                    arrayStore();
                    break;
                case Opcodes.POP:
                    pop();
                    break;
                case Opcodes.POP2:
                    pop();
                    pop();
                    break;
                case Opcodes.DUP: {
                    int v1 = pop();
                    push(v1);
                    push(v1);
                    break;
                }
                case Opcodes.DUP_X1: {
                    int v1 = pop();
                    int v2 = pop();
                    push(v1);
                    push(v2);
                    push(v1);
                    break;
                }
                case Opcodes.DUP_X2: {
                    int v1 = pop();
                    int v2 = pop();
                    int v3 = pop();
                    push(v1);
                    push(v3);
                    push(v2);
                    push(v1);
                    break;
                }
                case Opcodes.DUP2: {
                    int v1 = pop();
                    int v2 = pop();
                    push(v2);
                    push(v1);
                    push(v2);
                    push(v1);
                    break;
                }
                case Opcodes.DUP2_X1: {
                    int v1 = pop();
                    int v2 = pop();
                    int v3 = pop();
                    push(v2);
                    push(v1);
                    push(v3);
                    push(v2);
                    push(v1);
                    break;
                }
                case Opcodes.DUP2_X2: {
                    int v1 = pop();
                    int v2 = pop();
                    int v3 = pop();
                    int v4 = pop();
                    push(v2);
                    push(v1);
                    push(v4);
                    push(v3);
                    push(v2);
                    push(v1);
                    break;
                }
                case Opcodes.SWAP: {
                    int v1 = pop();
                    int v2 = pop();
                    push(v1);
                    push(v2);
                    break;
                }
                case Opcodes.IRETURN:
                case Opcodes.FRETURN:
                    primitive(1, 0);
                    unknownStack = true;
                    break;
                case Opcodes.LRETURN:
                case Opcodes.DRETURN:
                    primitive(2, 0);
                    unknownStack = true;
                    break;
                case Opcodes.ARETURN:
                case Opcodes.ATHROW:
                    consume(pop());
                    unknownStack = true;
                    break;
                case Opcodes.RETURN:
                    unknownStack = true;
                    break;
                case Opcodes.ARRAYLENGTH:
                    pop();
                    push(0);
                    break;
                case Opcodes.MONITORENTER:
                case Opcodes.MONITOREXIT:
                    pop(); // locking on the task does not keep it
                    break;
                default:
                    throw MayKeep.INSTANCE;
            }
        }

        /** IADD .. DCMPG: primitive operands only. */
        private void arithmetic(int opcode) {
            if (opcode <= Opcodes.DREM) { // IADD .. DREM: binary, by type int, long, float, double
                boolean wide = (opcode - Opcodes.IADD) % 2 == 1;
                primitive(wide ? 4 : 2, wide ? 2 : 1);
            } else if (opcode <= Opcodes.DNEG) {
                boolean wide = (opcode - Opcodes.INEG) % 2 == 1;
                primitive(wide ? 2 : 1, wide ? 2 : 1);
            } else if (opcode <= Opcodes.LUSHR) { // ISHL LSHL ISHR LSHR IUSHR LUSHR: value, int shift
                boolean wide = (opcode - Opcodes.ISHL) % 2 == 1;
                primitive(wide ? 3 : 2, wide ? 2 : 1);
            } else if (opcode <= Opcodes.LXOR) {
                boolean wide = (opcode - Opcodes.IAND) % 2 == 1;
                primitive(wide ? 4 : 2, wide ? 2 : 1);
            } else {
                switch (opcode) {
                    case Opcodes.I2L: case Opcodes.I2D: case Opcodes.F2L: case Opcodes.F2D:
                        primitive(1, 2);
                        break;
                    case Opcodes.I2F: case Opcodes.F2I: case Opcodes.I2B: case Opcodes.I2C: case Opcodes.I2S:
                        primitive(1, 1);
                        break;
                    case Opcodes.L2I: case Opcodes.L2F: case Opcodes.D2I: case Opcodes.D2F:
                        primitive(2, 1);
                        break;
                    case Opcodes.L2D: case Opcodes.D2L:
                        primitive(2, 2);
                        break;
                    case Opcodes.LCMP: case Opcodes.DCMPL: case Opcodes.DCMPG:
                        primitive(4, 1);
                        break;
                    case Opcodes.FCMPL: case Opcodes.FCMPG:
                        primitive(2, 1);
                        break;
                    default:
                        throw MayKeep.INSTANCE;
                }
            }
        }

        private void arrayStore() {
            int value = pop();
            primitive(1, 0); // index
            int array = pop();
            if (isTask(value)) {
                int id = arrayId(array);
                if (id == 0 || aliasedArrays.get(id)) {
                    throw MayKeep.INSTANCE; // an array that is, or may be, reachable from elsewhere
                }
                for (int i = 0; i < size; i++) {
                    if (arrayId(stack[i]) == id) {
                        stack[i] |= TASK;
                    }
                }
            } else {
                alias(value);
            }
        }

        private void var(int opcode, int index) {
            switch (opcode) {
                case Opcodes.ILOAD:
                case Opcodes.FLOAD:
                    push(0);
                    break;
                case Opcodes.LLOAD:
                case Opcodes.DLOAD:
                    push(0);
                    push(0);
                    break;
                case Opcodes.ALOAD:
                    push(taintedLocals.get(index) ? TASK : 0);
                    break;
                case Opcodes.ISTORE:
                case Opcodes.FSTORE:
                    primitive(1, 0);
                    break;
                case Opcodes.LSTORE:
                case Opcodes.DSTORE:
                    primitive(2, 0);
                    break;
                case Opcodes.ASTORE: {
                    int value = pop();
                    alias(value);
                    if (isTask(value) && !taintedLocals.get(index)) {
                        taintedLocals.set(index);
                        localsGrew = true;
                    }
                    break;
                }
                default: // RET
                    throw MayKeep.INSTANCE;
            }
        }

        private void type(int opcode) {
            switch (opcode) {
                case Opcodes.NEW:
                    push(0);
                    break;
                case Opcodes.ANEWARRAY:
                    primitive(1, 0);
                    push(nextArray++ << 1);
                    break;
                case Opcodes.CHECKCAST:
                    push(pop());
                    break;
                case Opcodes.INSTANCEOF:
                    pop();
                    push(0);
                    break;
                default:
                    throw MayKeep.INSTANCE;
            }
        }

        private void field(int opcode, String descriptor) {
            int width = Type.getType(descriptor).getSize();
            switch (opcode) {
                case Opcodes.GETSTATIC:
                    pushValue(width, 0);
                    break;
                case Opcodes.PUTSTATIC:
                    popValue(width);
                    break;
                case Opcodes.GETFIELD: {
                    // A field of the task is not the task, but what it refers to is not modelled: keep the taint.
                    int owner = pop();
                    pushValue(width, isTask(owner) ? TASK : 0);
                    break;
                }
                case Opcodes.PUTFIELD:
                    popValue(width);
                    consume(pop());
                    break;
                default:
                    throw MayKeep.INSTANCE;
            }
        }

        private void call(int opcode, String owner, String name, String descriptor) {
            Type[] arguments = Type.getArgumentTypes(descriptor);
            int[] values = new int[arguments.length];
            boolean argumentIsTask = false;
            for (int i = arguments.length - 1; i >= 0; i--) {
                if (arguments[i].getSize() == 2) {
                    primitive(2, 0);
                } else {
                    values[i] = pop();
                    argumentIsTask |= isTask(values[i]);
                }
            }
            int receiver = opcode == Opcodes.INVOKESTATIC ? 0 : pop();
            int result = 0;
            if (isTask(receiver) || argumentIsTask) {
                result = harmlessCall(opcode, owner, name, descriptor, isTask(receiver), values);
            }
            alias(receiver);
            for (int value : values) {
                alias(value);
            }
            pushValue(Type.getReturnType(descriptor).getSize(), result);
        }

        private void invokeDynamic(String bootstrapOwner, String descriptor) {
            Type[] arguments = Type.getArgumentTypes(descriptor);
            boolean concatenation = "java/lang/invoke/StringConcatFactory".equals(bootstrapOwner);
            for (int i = arguments.length - 1; i >= 0; i--) {
                if (arguments[i].getSize() == 2) {
                    primitive(2, 0);
                } else {
                    int value = pop();
                    if (!concatenation) {
                        consume(value); // captured by a lambda, or handed to some other call site
                    }
                    alias(value);
                }
            }
            pushValue(Type.getReturnType(descriptor).getSize(), 0);
        }

        private void jump(int opcode, Label target) {
            switch (opcode) {
                case Opcodes.GOTO:
                    branchTo(target);
                    unknownStack = true;
                    return;
                case Opcodes.IFNULL:
                case Opcodes.IFNONNULL:
                    pop();
                    break;
                case Opcodes.IF_ACMPEQ:
                case Opcodes.IF_ACMPNE:
                    pop();
                    pop();
                    break;
                case Opcodes.IFEQ:
                case Opcodes.IFNE:
                case Opcodes.IFLT:
                case Opcodes.IFGE:
                case Opcodes.IFGT:
                case Opcodes.IFLE:
                    primitive(1, 0);
                    break;
                case Opcodes.IF_ICMPEQ:
                case Opcodes.IF_ICMPNE:
                case Opcodes.IF_ICMPLT:
                case Opcodes.IF_ICMPGE:
                case Opcodes.IF_ICMPGT:
                case Opcodes.IF_ICMPLE:
                    primitive(2, 0);
                    break;
                default: // JSR
                    throw MayKeep.INSTANCE;
            }
            branchTo(target);
        }

        private void ldc(Object constant) {
            boolean wide = constant instanceof Long || constant instanceof Double
                    || constant instanceof ConstantDynamic && ((ConstantDynamic) constant).getSize() == 2;
            pushValue(wide ? 2 : 1, 0);
        }

        // ------------------------------------------------------------------------------------ stack helpers

        private void push(int value) {
            if (size == stack.length) {
                stack = java.util.Arrays.copyOf(stack, size * 2);
            }
            stack[size++] = value;
        }

        private int pop() {
            if (size == 0) {
                throw MayKeep.INSTANCE; // stack underflow: not code we understand
            }
            return stack[--size];
        }

        private void pushValue(int width, int value) {
            if (width == 2) {
                push(0);
                push(0);
            } else if (width == 1) {
                push(value);
            }
        }

        private void popValue(int width) {
            for (int i = 0; i < width; i++) {
                consume(pop());
            }
        }

        /** Pops {@code pops} slots that must not hold the task, pushes {@code pushes} plain slots. */
        private void primitive(int pops, int pushes) {
            for (int i = 0; i < pops; i++) {
                consume(pop());
            }
            for (int i = 0; i < pushes; i++) {
                push(0);
            }
        }

        /** The value goes somewhere the analysis does not follow: fine unless it may be the task. */
        private void consume(int value) {
            if (isTask(value)) {
                throw MayKeep.INSTANCE;
            }
            alias(value);
        }

        /** A fresh array left the stack: from now on it may be reachable from elsewhere. */
        private void alias(int value) {
            int id = arrayId(value);
            if (id != 0) {
                aliasedArrays.set(id);
            }
        }
    }

    private static boolean isTask(int value) {
        return (value & TASK) != 0;
    }

    /** Stack slots as they meet other paths: taint kept, fresh-array identities dropped (conservative). */
    private static int[] plain(int[] slots) {
        for (int i = 0; i < slots.length; i++) {
            slots[i] &= TASK;
        }
        return slots;
    }

    private static int[] union(int[] a, int[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.length != b.length) {
            throw MayKeep.INSTANCE; // stacks of different heights meet: not valid code
        }
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] | b[i];
        }
        return out;
    }

    private static int arrayId(int value) {
        return value >>> 1;
    }

    /**
     * A call that receives a value that may be the task: the encoded result when it cannot keep it (TASK when its
     * result is the task itself), or MayKeep.
     */
    private static int harmlessCall(int opcode, String owner, String name, String descriptor, boolean receiverIsTask,
                                    int[] arguments) {
        String signature = name + descriptor;
        if (opcode == Opcodes.INVOKESTATIC) {
            String key = owner + "." + signature;
            if (READING_STATICS.contains(key)) {
                return 0;
            }
            if (RETURNS_FIRST_ARGUMENT.contains(key)) {
                for (int i = 1; i < arguments.length; i++) {
                    if (isTask(arguments[i])) {
                        throw MayKeep.INSTANCE;
                    }
                }
                return TASK;
            }
            throw MayKeep.INSTANCE;
        }
        if ("<init>".equals(name)) {
            throw MayKeep.INSTANCE;
        }
        if (receiverIsTask) {
            // Methods of the task itself that only describe it; any other method may run or hand it on.
            if (OBJECT_QUERIES.contains(signature)) {
                return 0;
            }
            throw MayKeep.INSTANCE;
        }
        if ("equals(Ljava/lang/Object;)Z".equals(signature)) {
            return 0;
        }
        Set<String> logging = LOGGING_METHODS.get(owner);
        if (logging != null && logging.contains(name) && descriptor.endsWith(")V")) {
            return 0;
        }
        if ("java/io/PrintStream".equals(owner) && PRINT_METHODS.contains(name)) {
            return 0; // returns void or the stream itself
        }
        if (("java/lang/StringBuilder".equals(owner) || "java/lang/StringBuffer".equals(owner))
                && ("append".equals(name) || "insert".equals(name))) {
            return 0; // returns the builder, which holds the text only
        }
        if ("java/lang/String".equals(owner) && "formatted".equals(name)) {
            return 0;
        }
        throw MayKeep.INSTANCE;
    }
}
