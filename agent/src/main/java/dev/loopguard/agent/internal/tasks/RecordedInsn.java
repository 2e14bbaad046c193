package dev.loopguard.agent.internal.tasks;

import net.bytebuddy.jar.asm.Label;

/**
 * One instruction, label or stack map frame of a method as {@link RejectionHandlerAnalyzer} recorded it, for
 * {@link TaskFlowPass} to read: the kind (one of the constants below), the opcode and whichever operands that kind has.
 */
final class RecordedInsn {
    static final int INSN = 0;
    static final int INT_INSN = 1;
    static final int VAR_INSN = 2;
    static final int TYPE_INSN = 3;
    static final int FIELD_INSN = 4;
    static final int METHOD_INSN = 5;
    static final int INDY_INSN = 6;
    static final int JUMP_INSN = 7;
    static final int LABEL = 8;
    static final int LDC_INSN = 9;
    static final int IINC_INSN = 10;
    static final int SWITCH_INSN = 11;
    static final int MULTI_ANEWARRAY_INSN = 12;
    static final int FRAME = 13;

    final int kind;
    final int opcode;
    final int operand;
    final String owner;
    final String name;
    final String descriptor;
    final Object constant;
    final Label label;

    RecordedInsn(int kind, int opcode, int operand, String owner, String name, String descriptor, Object constant,
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
