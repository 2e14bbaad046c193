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
import java.util.Set;
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
 *
 * <p>This class records the method ({@link RecordedInsn}) and repeats the passes; one pass over the recorded code is
 * {@link TaskFlowPass}, and the calls it treats as harmless are listed in {@link HarmlessCalls}.
 */
public final class RejectionHandlerAnalyzer extends MethodVisitor {

    static final String METHOD_NAME = "rejectedExecution";
    static final String METHOD_DESCRIPTOR = "(Ljava/lang/Runnable;Ljava/util/concurrent/ThreadPoolExecutor;)V";

    /** The descriptor's tail that the body of a lambda or method reference handler ends with. */
    static final String HANDLER_PARAMETERS = "Ljava/lang/Runnable;Ljava/util/concurrent/ThreadPoolExecutor;)V";
    /** More passes than this (each one taints at least one new local) is not a handler worth judging. */
    private static final int MAX_PASSES = 64;


    private final List<RecordedInsn> code = new ArrayList<>();
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

    private void add(int kind, int opcode, int operand, String owner, String name, String descriptor,
                     Object constant, Label label) {
        code.add(new RecordedInsn(kind, opcode, operand, owner, name, descriptor, constant, label));
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

    private boolean analyse() {
        if (!hasCode) {
            return false;
        }
        try {
            BitSet taintedLocals = new BitSet();
            taintedLocals.set(taskLocal);
            for (int pass = 0; pass < MAX_PASSES; pass++) {
                TaskFlowPass p = new TaskFlowPass(code, jumpTargets, handlers, taintedLocals);
                p.run();
                if (!p.localsGrew()) {
                    return true;
                }
            }
            return false;
        } catch (TaskFlowPass.MayKeep keeps) {
            return false;
        } catch (RuntimeException unexpected) {
            // Malformed or unexpected code: no verdict we could defend, so the handler is never judged.
            return false;
        }
    }
}
