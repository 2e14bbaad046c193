package dev.loopguard.agent.internal.tasks;

import static dev.loopguard.agent.internal.tasks.RecordedInsn.INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.INT_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.VAR_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.TYPE_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.FIELD_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.METHOD_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.INDY_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.JUMP_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.LABEL;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.LDC_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.IINC_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.SWITCH_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.MULTI_ANEWARRAY_INSN;
import static dev.loopguard.agent.internal.tasks.RecordedInsn.FRAME;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * One forward pass of {@link RejectionHandlerAnalyzer} over a handler's recorded code, with the locals tainted so far:
 * it models the operand stack instruction by instruction, taints each local that receives a value that may be the
 * task (the analyzer repeats the pass until no new local is tainted), merges stacks at forward branch targets, and
 * throws {@link MayKeep} the moment such a value goes somewhere not modelled as harmless ({@link HarmlessCalls}).
 */
final class TaskFlowPass {
    /** Thrown inside a pass the moment a value that may be the task goes somewhere not modelled as harmless. */
    static final class MayKeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final MayKeep INSTANCE = new MayKeep();

        private MayKeep() {
            super("the task may be kept", null, false, false);
        }
    }

    private final List<RecordedInsn> code;
    private final Set<Label> jumpTargets;
    private final Set<Label> handlers;
    private final BitSet taintedLocals;
    private final TaintStack stack = new TaintStack();
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

    TaskFlowPass(List<RecordedInsn> code, Set<Label> jumpTargets, Set<Label> handlers, BitSet taintedLocals) {
        this.code = code;
        this.jumpTargets = jumpTargets;
        this.handlers = handlers;
        this.taintedLocals = taintedLocals;
    }

    /** Whether this pass tainted a local the pass before had not: the analyzer then runs another. */
    boolean localsGrew() {
        return localsGrew;
    }

    void run() {
        for (RecordedInsn insn : code) {
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
            stack.clear();
            stack.push(0); // the caught exception
        } else if (slots == 0) {
            stack.clear();
        } else {
            int[] merged = unknownStack ? null : stack.plainCopy();
            for (Label label : here) {
                merged = TaintStack.union(merged, incoming.get(label));
            }
            if (merged == null || merged.length != slots) {
                throw MayKeep.INSTANCE; // a stack reached in a way not seen: not modelled
            }
            stack.replaceWith(merged);
        }
        unknownStack = false;
        needFrame = false;
    }

    /** The stack as it reaches {@code target} from here. */
    private void branchTo(Label target) {
        if (passed.contains(target)) {
            if (stack.mayHoldTask()) {
                throw MayKeep.INSTANCE; // backward, with the task on the stack: not modelled
            }
            return;
        }
        int[] merged = TaintStack.union(incoming.get(target), stack.plainCopy());
        incoming.put(target, merged);
    }

    private void execute(RecordedInsn insn) {
        switch (insn.kind) {
            case INSN:
                insn(insn.opcode);
                break;
            case INT_INSN:
                if (insn.opcode == Opcodes.NEWARRAY) {
                    stack.primitive(1, 1);
                } else {
                    stack.push(0); // BIPUSH, SIPUSH
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
                stack.primitive(1, 0);
                for (Label target : (Label[]) insn.constant) {
                    branchTo(target);
                }
                unknownStack = true;
                break;
            case MULTI_ANEWARRAY_INSN:
                stack.primitive(insn.operand, 1);
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
                stack.push(0);
                break;
            case Opcodes.LCONST_0:
            case Opcodes.LCONST_1:
            case Opcodes.DCONST_0:
            case Opcodes.DCONST_1:
                stack.push(0);
                stack.push(0);
                break;
            case Opcodes.IALOAD:
            case Opcodes.FALOAD:
            case Opcodes.BALOAD:
            case Opcodes.CALOAD:
            case Opcodes.SALOAD:
                stack.primitive(2, 1);
                break;
            case Opcodes.LALOAD:
            case Opcodes.DALOAD:
                stack.primitive(2, 2);
                break;
            case Opcodes.AALOAD: {
                stack.primitive(1, 0); // index
                int array = stack.pop();
                stack.push(TaintStack.isTask(array) ? TaintStack.TASK : 0);
                break;
            }
            case Opcodes.IASTORE:
            case Opcodes.FASTORE:
            case Opcodes.BASTORE:
            case Opcodes.CASTORE:
            case Opcodes.SASTORE:
                stack.primitive(3, 0);
                break;
            case Opcodes.LASTORE:
            case Opcodes.DASTORE:
                stack.primitive(4, 0);
                break;
            case Opcodes.AASTORE:
                arrayStore();
                break;
            case Opcodes.POP:
                stack.pop();
                break;
            case Opcodes.POP2:
                stack.pop();
                stack.pop();
                break;
            case Opcodes.DUP: {
                int v1 = stack.pop();
                stack.push(v1);
                stack.push(v1);
                break;
            }
            case Opcodes.DUP_X1: {
                int v1 = stack.pop();
                int v2 = stack.pop();
                stack.push(v1);
                stack.push(v2);
                stack.push(v1);
                break;
            }
            case Opcodes.DUP_X2: {
                int v1 = stack.pop();
                int v2 = stack.pop();
                int v3 = stack.pop();
                stack.push(v1);
                stack.push(v3);
                stack.push(v2);
                stack.push(v1);
                break;
            }
            case Opcodes.DUP2: {
                int v1 = stack.pop();
                int v2 = stack.pop();
                stack.push(v2);
                stack.push(v1);
                stack.push(v2);
                stack.push(v1);
                break;
            }
            case Opcodes.DUP2_X1: {
                int v1 = stack.pop();
                int v2 = stack.pop();
                int v3 = stack.pop();
                stack.push(v2);
                stack.push(v1);
                stack.push(v3);
                stack.push(v2);
                stack.push(v1);
                break;
            }
            case Opcodes.DUP2_X2: {
                int v1 = stack.pop();
                int v2 = stack.pop();
                int v3 = stack.pop();
                int v4 = stack.pop();
                stack.push(v2);
                stack.push(v1);
                stack.push(v4);
                stack.push(v3);
                stack.push(v2);
                stack.push(v1);
                break;
            }
            case Opcodes.SWAP: {
                int v1 = stack.pop();
                int v2 = stack.pop();
                stack.push(v1);
                stack.push(v2);
                break;
            }
            case Opcodes.IRETURN:
            case Opcodes.FRETURN:
                stack.primitive(1, 0);
                unknownStack = true;
                break;
            case Opcodes.LRETURN:
            case Opcodes.DRETURN:
                stack.primitive(2, 0);
                unknownStack = true;
                break;
            case Opcodes.ARETURN:
            case Opcodes.ATHROW:
                stack.consume(stack.pop());
                unknownStack = true;
                break;
            case Opcodes.RETURN:
                unknownStack = true;
                break;
            case Opcodes.ARRAYLENGTH:
                stack.pop();
                stack.push(0);
                break;
            case Opcodes.MONITORENTER:
            case Opcodes.MONITOREXIT:
                stack.pop(); // locking on the task does not keep it
                break;
            default:
                throw MayKeep.INSTANCE;
        }
    }

    /** IADD .. DCMPG: primitive operands only. */
    private void arithmetic(int opcode) {
        if (opcode <= Opcodes.DREM) { // IADD .. DREM: binary, by type int, long, float, double
            boolean wide = (opcode - Opcodes.IADD) % 2 == 1;
            stack.primitive(wide ? 4 : 2, wide ? 2 : 1);
        } else if (opcode <= Opcodes.DNEG) {
            boolean wide = (opcode - Opcodes.INEG) % 2 == 1;
            stack.primitive(wide ? 2 : 1, wide ? 2 : 1);
        } else if (opcode <= Opcodes.LUSHR) { // ISHL LSHL ISHR LSHR IUSHR LUSHR: value, int shift
            boolean wide = (opcode - Opcodes.ISHL) % 2 == 1;
            stack.primitive(wide ? 3 : 2, wide ? 2 : 1);
        } else if (opcode <= Opcodes.LXOR) {
            boolean wide = (opcode - Opcodes.IAND) % 2 == 1;
            stack.primitive(wide ? 4 : 2, wide ? 2 : 1);
        } else {
            switch (opcode) {
                case Opcodes.I2L: case Opcodes.I2D: case Opcodes.F2L: case Opcodes.F2D:
                    stack.primitive(1, 2);
                    break;
                case Opcodes.I2F: case Opcodes.F2I: case Opcodes.I2B: case Opcodes.I2C: case Opcodes.I2S:
                    stack.primitive(1, 1);
                    break;
                case Opcodes.L2I: case Opcodes.L2F: case Opcodes.D2I: case Opcodes.D2F:
                    stack.primitive(2, 1);
                    break;
                case Opcodes.L2D: case Opcodes.D2L:
                    stack.primitive(2, 2);
                    break;
                case Opcodes.LCMP: case Opcodes.DCMPL: case Opcodes.DCMPG:
                    stack.primitive(4, 1);
                    break;
                case Opcodes.FCMPL: case Opcodes.FCMPG:
                    stack.primitive(2, 1);
                    break;
                default:
                    throw MayKeep.INSTANCE;
            }
        }
    }

    private void arrayStore() {
        int value = stack.pop();
        stack.primitive(1, 0); // index
        int array = stack.pop();
        if (TaintStack.isTask(value)) {
            int id = TaintStack.arrayId(array);
            if (id == 0 || stack.isAliased(id)) {
                throw MayKeep.INSTANCE; // an array that is, or may be, reachable from elsewhere
            }
            stack.taintArray(id);
        } else {
            stack.alias(value);
        }
    }

    private void var(int opcode, int index) {
        switch (opcode) {
            case Opcodes.ILOAD:
            case Opcodes.FLOAD:
                stack.push(0);
                break;
            case Opcodes.LLOAD:
            case Opcodes.DLOAD:
                stack.push(0);
                stack.push(0);
                break;
            case Opcodes.ALOAD:
                stack.push(taintedLocals.get(index) ? TaintStack.TASK : 0);
                break;
            case Opcodes.ISTORE:
            case Opcodes.FSTORE:
                stack.primitive(1, 0);
                break;
            case Opcodes.LSTORE:
            case Opcodes.DSTORE:
                stack.primitive(2, 0);
                break;
            case Opcodes.ASTORE: {
                int value = stack.pop();
                stack.alias(value);
                if (TaintStack.isTask(value) && !taintedLocals.get(index)) {
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
                stack.push(0);
                break;
            case Opcodes.ANEWARRAY:
                stack.primitive(1, 0);
                stack.push(nextArray++ << 1);
                break;
            case Opcodes.CHECKCAST:
                stack.push(stack.pop());
                break;
            case Opcodes.INSTANCEOF:
                stack.pop();
                stack.push(0);
                break;
            default:
                throw MayKeep.INSTANCE;
        }
    }

    private void field(int opcode, String descriptor) {
        int width = Type.getType(descriptor).getSize();
        switch (opcode) {
            case Opcodes.GETSTATIC:
                stack.pushValue(width, 0);
                break;
            case Opcodes.PUTSTATIC:
                stack.popValue(width);
                break;
            case Opcodes.GETFIELD: {
                // A field of the task is not the task, but what it refers to is not modelled: keep the taint.
                int owner = stack.pop();
                stack.pushValue(width, TaintStack.isTask(owner) ? TaintStack.TASK : 0);
                break;
            }
            case Opcodes.PUTFIELD:
                stack.popValue(width);
                stack.consume(stack.pop());
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
                stack.primitive(2, 0);
            } else {
                values[i] = stack.pop();
                argumentIsTask |= TaintStack.isTask(values[i]);
            }
        }
        int receiver = opcode == Opcodes.INVOKESTATIC ? 0 : stack.pop();
        int result = 0;
        if (TaintStack.isTask(receiver) || argumentIsTask) {
            result = HarmlessCalls.harmlessCall(opcode, owner, name, descriptor, TaintStack.isTask(receiver), values);
        }
        stack.alias(receiver);
        for (int value : values) {
            stack.alias(value);
        }
        stack.pushValue(Type.getReturnType(descriptor).getSize(), result);
    }

    private void invokeDynamic(String bootstrapOwner, String descriptor) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        boolean concatenation = "java/lang/invoke/StringConcatFactory".equals(bootstrapOwner);
        for (int i = arguments.length - 1; i >= 0; i--) {
            if (arguments[i].getSize() == 2) {
                stack.primitive(2, 0);
            } else {
                int value = stack.pop();
                if (!concatenation) {
                    stack.consume(value); // captured by a lambda, or handed to some other call site
                }
                stack.alias(value);
            }
        }
        stack.pushValue(Type.getReturnType(descriptor).getSize(), 0);
    }

    private void jump(int opcode, Label target) {
        switch (opcode) {
            case Opcodes.GOTO:
                branchTo(target);
                unknownStack = true;
                return;
            case Opcodes.IFNULL:
            case Opcodes.IFNONNULL:
                stack.pop();
                break;
            case Opcodes.IF_ACMPEQ:
            case Opcodes.IF_ACMPNE:
                stack.pop();
                stack.pop();
                break;
            case Opcodes.IFEQ:
            case Opcodes.IFNE:
            case Opcodes.IFLT:
            case Opcodes.IFGE:
            case Opcodes.IFGT:
            case Opcodes.IFLE:
                stack.primitive(1, 0);
                break;
            case Opcodes.IF_ICMPEQ:
            case Opcodes.IF_ICMPNE:
            case Opcodes.IF_ICMPLT:
            case Opcodes.IF_ICMPGE:
            case Opcodes.IF_ICMPGT:
            case Opcodes.IF_ICMPLE:
                stack.primitive(2, 0);
                break;
            default: // JSR
                throw MayKeep.INSTANCE;
        }
        branchTo(target);
    }

    private void ldc(Object constant) {
        boolean wide = constant instanceof Long || constant instanceof Double
                || constant instanceof ConstantDynamic && ((ConstantDynamic) constant).getSize() == 2;
        stack.pushValue(wide ? 2 : 1, 0);
    }
}
