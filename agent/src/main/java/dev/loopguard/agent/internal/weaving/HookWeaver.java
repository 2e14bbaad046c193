package dev.loopguard.agent.internal.weaving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves {@link Hook}s into the methods they select. The class keeps its format (no member is added), which is what
 * lets already-loaded JDK classes be retransformed without JVM flags.
 *
 * <p>A token that an exit call needs lives in a local slot past the method's own ({@link #maxLocals}): every frame of
 * the method gets it appended, so the class is then read with its frames expanded. The exception handler's frame
 * holds the tokens, and {@code this} and the arguments only when a throw call reads them, so nothing else about the
 * method's own locals has to be known. The writer computes the maximums.
 */
public final class HookWeaver extends ClassVisitor {

    private final List<Hook> hooks;
    private final Transformations.WatchedMethods watchedMethods;
    private final boolean expandFrames;
    private final Map<String, Integer> maxLocals;
    private final Map<String, String> fields = new HashMap<>();
    private String owner;
    private boolean frames;
    private boolean changed;

    /** Weaves {@code hooks} into the class {@code reader} holds; read it with {@link #readerFlags()}. */
    public HookWeaver(ClassVisitor next, List<Hook> hooks, ClassReader reader) {
        this(next, hooks, reader, null);
    }

    /**
     * Weaves {@code hooks} and tells {@code watchedMethods} (when not null) of each method a hook
     * {@linkplain Hook#watchedAtCallSites() watched at its call sites} was woven into.
     */
    public HookWeaver(ClassVisitor next, List<Hook> hooks, ClassReader reader,
                      Transformations.WatchedMethods watchedMethods) {
        super(Opcodes.ASM9, next);
        this.hooks = List.copyOf(hooks);
        this.watchedMethods = watchedMethods;
        boolean tokens = false;
        for (Hook hook : hooks) {
            tokens |= hook.keepsToken();
        }
        // Frames need rewriting only to carry a token; reading them compressed is cheaper, and the weaving of the
        // JDK's classes runs while the JVM starts, in the interpreter.
        this.expandFrames = tokens;
        this.maxLocals = tokens ? maxLocals(reader) : Map.of();
    }

    /** The flags to read the class with. */
    public int readerFlags() {
        return expandFrames ? ClassReader.EXPAND_FRAMES : 0;
    }

    /**
     * The original {@code max_locals} of each method, keyed by name followed by descriptor, read straight from the
     * methods' {@code Code} attributes without parsing any instruction.
     */
    public static Map<String, Integer> maxLocals(ClassReader reader) {
        Map<String, Integer> result = new HashMap<>();
        char[] buffer = new char[reader.getMaxStringLength()];
        int offset = reader.header + 6; // access_flags, this_class, super_class
        offset += 2 + 2 * reader.readUnsignedShort(offset); // interfaces
        int fields = reader.readUnsignedShort(offset);
        offset += 2;
        for (int f = 0; f < fields; f++) {
            offset = skipAttributes(reader, offset + 6);
        }
        int methods = reader.readUnsignedShort(offset);
        offset += 2;
        for (int m = 0; m < methods; m++) {
            String key = reader.readUTF8(offset + 2, buffer) + reader.readUTF8(offset + 4, buffer);
            int attributes = reader.readUnsignedShort(offset + 6);
            offset += 8;
            for (int a = 0; a < attributes; a++) {
                if ("Code".equals(reader.readUTF8(offset, buffer))) {
                    result.put(key, reader.readUnsignedShort(offset + 8)); // after max_stack
                }
                offset += 6 + reader.readInt(offset + 2);
            }
        }
        return result;
    }

    private static int skipAttributes(ClassReader reader, int offset) {
        int attributes = reader.readUnsignedShort(offset);
        offset += 2;
        for (int a = 0; a < attributes; a++) {
            offset += 6 + reader.readInt(offset + 2);
        }
        return offset;
    }

    /** Whether at least one method was woven. */
    public boolean changed() {
        return changed;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        frames = (version & 0xFFFF) >= Opcodes.V1_6;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        fields.put(name, descriptor);
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (next == null) {
            return null;
        }
        List<Hook> applied = new ArrayList<>(1);
        for (Hook hook : hooks) {
            if (hook.methods.matches(access, name, descriptor)) {
                applied.add(hook);
                if (hook.watchedAtCallSites && watchedMethods != null) {
                    watchedMethods.hooked(owner, access, name, descriptor);
                }
            }
        }
        if (applied.isEmpty()) {
            return next;
        }
        Integer locals = expandFrames ? maxLocals.get(name + descriptor) : Integer.valueOf(0);
        if (locals == null) {
            throw new IllegalStateException("no max_locals for " + owner + "." + name + descriptor);
        }
        changed = true;
        return new HookedMethod(next, access, name, descriptor, applied, locals);
    }

    /** One woven method. */
    private final class HookedMethod extends MethodVisitor {
        private final int access;
        private final String name;
        private final String descriptor;
        private final List<Hook> applied;
        private final int[] tokenSlots;    // per applied hook, -1 when it keeps no token
        private final Object[] tokenTypes; // frame types of the kept tokens, in slot order
        private final int firstTokenSlot;
        private final Label start = new Label();
        private final boolean handles;

        HookedMethod(MethodVisitor next, int access, String name, String descriptor, List<Hook> applied,
                     int firstTokenSlot) {
            super(Opcodes.ASM9, next);
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.applied = applied;
            this.firstTokenSlot = firstTokenSlot;
            this.tokenSlots = new int[applied.size()];
            List<Object> types = new ArrayList<>();
            int slot = firstTokenSlot;
            boolean anyThrow = false;
            for (int i = 0; i < applied.size(); i++) {
                Hook hook = applied.get(i);
                anyThrow |= hook.onThrow != null;
                if (hook.keepsToken()) {
                    tokenSlots[i] = slot;
                    Type type = hook.enter.returnType;
                    slot += type.getSize();
                    types.add(frameType(type));
                } else {
                    tokenSlots[i] = -1;
                }
            }
            this.tokenTypes = types.toArray();
            this.handles = anyThrow;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            for (int i = 0; i < applied.size(); i++) {
                BridgeCall enter = applied.get(i).enter;
                if (enter == null) {
                    continue;
                }
                push(enter, i, -1);
                if (tokenSlots[i] >= 0) {
                    super.visitVarInsn(enter.returnType.getOpcode(Opcodes.ISTORE), tokenSlots[i]);
                } else if (enter.returnType.getSize() == 2) {
                    super.visitInsn(Opcodes.POP2);
                } else if (enter.returnType.getSize() == 1) {
                    super.visitInsn(Opcodes.POP);
                }
            }
            super.visitLabel(start);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                for (int i = applied.size() - 1; i >= 0; i--) {
                    BridgeCall onReturn = applied.get(i).onReturn;
                    if (onReturn != null) {
                        push(onReturn, i, opcode);
                    }
                }
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            if (tokenTypes.length == 0 || type != Opcodes.F_NEW) {
                super.visitFrame(type, numLocal, local, numStack, stack);
                return;
            }
            List<Object> locals = new ArrayList<>(numLocal + tokenTypes.length + 4);
            int slots = 0;
            for (int i = 0; i < numLocal; i++) {
                locals.add(local[i]);
                slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
            }
            for (; slots < firstTokenSlot; slots++) {
                locals.add(Opcodes.TOP);
            }
            for (Object tokenType : tokenTypes) {
                locals.add(tokenType);
            }
            super.visitFrame(type, locals.size(), locals.toArray(), numStack, stack);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (handles) {
                Label handler = new Label();
                super.visitLabel(handler);
                if (frames) {
                    Object[] locals = handlerLocals();
                    // Full, not new, when the method's frames are read compressed: a class's frames are all one or
                    // the other. Both hold the complete list of locals.
                    super.visitFrame(expandFrames ? Opcodes.F_NEW : Opcodes.F_FULL, locals.length, locals, 1,
                            new Object[] {"java/lang/Throwable"});
                }
                for (int i = applied.size() - 1; i >= 0; i--) {
                    BridgeCall onThrow = applied.get(i).onThrow;
                    if (onThrow != null) {
                        push(onThrow, i, Opcodes.ATHROW);
                    }
                }
                super.visitInsn(Opcodes.ATHROW);
                // Registered last, so the method's own handlers keep their precedence.
                super.visitTryCatchBlock(start, handler, handler, null);
            }
            super.visitMaxs(maxStack, maxLocals);
        }

        /**
         * The handler's locals: {@code this} and the arguments when a throw call reads them (a method never stores
         * an incompatible value in its own parameters), the tokens, and nothing else: every other local is unknown
         * there, which is what every frame in the protected range agrees with.
         */
        private Object[] handlerLocals() {
            List<Object> locals = new ArrayList<>();
            int slots = 0;
            if (throwCallsRead(BridgeCall.Arg.Kind.THIS, BridgeCall.Arg.Kind.ARGUMENT, BridgeCall.Arg.Kind.FIELD)) {
                if ((access & Opcodes.ACC_STATIC) == 0) {
                    locals.add(owner);
                    slots++;
                }
                for (Type arg : Type.getArgumentTypes(descriptor)) {
                    locals.add(frameType(arg));
                    slots += arg.getSize();
                }
            }
            if (tokenTypes.length == 0) {
                return locals.toArray();
            }
            for (; slots < firstTokenSlot; slots++) {
                locals.add(Opcodes.TOP);
            }
            locals.addAll(Arrays.asList(tokenTypes));
            return locals.toArray();
        }

        private boolean throwCallsRead(BridgeCall.Arg.Kind... kinds) {
            for (Hook hook : applied) {
                for (BridgeCall.Arg.Kind kind : kinds) {
                    if (hook.onThrow != null && hook.onThrow.uses(kind)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Pushes the call's arguments and invokes it; {@code exitOpcode} is the return or throw being left by. */
        private void push(BridgeCall woven, int hookIndex, int exitOpcode) {
            BridgeCall call = woven.forFields(fields.keySet());
            for (int p = 0; p < call.args.size(); p++) {
                BridgeCall.Arg arg = call.args.get(p);
                switch (arg.kind) {
                    case THIS:
                        requireInstance(call);
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        break;
                    case ARGUMENT:
                        loadArgument(arg.index);
                        break;
                    case OPERATION:
                        super.visitLdcInsn(owner.replace('/', '.') + "." + name);
                        break;
                    case METHOD_NAME:
                        super.visitLdcInsn(name);
                        break;
                    case INT:
                        super.visitLdcInsn(arg.index);
                        break;
                    case NULL:
                        super.visitInsn(Opcodes.ACONST_NULL);
                        break;
                    case FIELD:
                        requireInstance(call);
                        String fieldDescriptor = fields.get(arg.field);
                        if (fieldDescriptor == null && arg.nullWhenAbsent) {
                            super.visitInsn(Opcodes.ACONST_NULL);
                            break;
                        }
                        if (fieldDescriptor == null) {
                            throw new IllegalStateException("no field " + arg.field + " in " + owner);
                        }
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, owner, arg.field, fieldDescriptor);
                        break;
                    case TOKEN:
                        super.visitVarInsn(applied.get(hookIndex).enter.returnType.getOpcode(Opcodes.ILOAD),
                                tokenSlots[hookIndex]);
                        break;
                    case RETURNED:
                        pushReturned(exitOpcode, call.parameterTypes[p]);
                        break;
                    case THROWN:
                        super.visitInsn(Opcodes.DUP);
                        break;
                    default:
                        throw new IllegalStateException(arg.kind.toString());
                }
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, call.owner, call.name, call.descriptor, false);
        }

        private void pushReturned(int returnOpcode, Type parameter) {
            boolean reference = parameter.getSort() == Type.OBJECT || parameter.getSort() == Type.ARRAY;
            if (returnOpcode == Opcodes.RETURN || reference && returnOpcode != Opcodes.ARETURN) {
                super.visitInsn(Opcodes.ACONST_NULL);
            } else if (reference || parameter.equals(Type.getReturnType(descriptor))) {
                super.visitInsn(parameter.getSize() == 2 ? Opcodes.DUP2 : Opcodes.DUP);
            } else {
                throw new IllegalStateException("cannot pass the " + Type.getReturnType(descriptor) + " result of "
                        + owner + "." + name + " as " + parameter);
            }
        }

        private void loadArgument(int position) {
            Type[] args = Type.getArgumentTypes(descriptor);
            int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
            for (int i = 0; i < position; i++) {
                slot += args[i].getSize();
            }
            super.visitVarInsn(args[position].getOpcode(Opcodes.ILOAD), slot);
        }

        private void requireInstance(BridgeCall call) {
            if ((access & Opcodes.ACC_STATIC) != 0) {
                throw new IllegalStateException(call.name + " needs 'this' but " + owner + "." + name
                        + " is static");
            }
        }
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.INT:
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
                return Opcodes.INTEGER;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return type.getInternalName();
        }
    }
}
