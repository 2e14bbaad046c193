package dev.loopguard.agent.internal.weaving;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Type;

/**
 * A call from instrumented code to a static method of a bootstrap bridge, with the values it passes. The method is
 * found by reflection when the call is declared, so a mismatch between a hook and its bridge fails when the agent
 * starts, not in the woven class.
 */
public final class BridgeCall {

    /** A value pushed for one parameter of the bridge method. */
    public static final class Arg {
        enum Kind { THIS, ARGUMENT, OPERATION, METHOD_NAME, INT, NULL, FIELD, TOKEN, RETURNED, THROWN }

        final Kind kind;
        final int index;     // ARGUMENT: position; INT: value
        final String field;  // FIELD: name
        final boolean nullWhenAbsent; // FIELD: push null, rather than fail, when the class has no such field

        private Arg(Kind kind, int index, String field) {
            this(kind, index, field, false);
        }

        private Arg(Kind kind, int index, String field, boolean nullWhenAbsent) {
            this.kind = kind;
            this.index = index;
            this.field = field;
            this.nullWhenAbsent = nullWhenAbsent;
        }

        /** The instance the method runs on. */
        public static Arg self() {
            return new Arg(Kind.THIS, 0, null);
        }

        /** The method's argument at {@code position} (0-based). */
        public static Arg argument(int position) {
            return new Arg(Kind.ARGUMENT, position, null);
        }

        /** {@code declaring.type.Name.method}, the public name of a blocking operation. */
        public static Arg operation() {
            return new Arg(Kind.OPERATION, 0, null);
        }

        /** The method's name. */
        public static Arg methodName() {
            return new Arg(Kind.METHOD_NAME, 0, null);
        }

        public static Arg constant(int value) {
            return new Arg(Kind.INT, value, null);
        }

        public static Arg nullValue() {
            return new Arg(Kind.NULL, 0, null);
        }

        /** An instance field of the class being woven, read from {@code this}. */
        public static Arg field(String name) {
            return new Arg(Kind.FIELD, 0, name);
        }

        /**
         * An instance field of the class being woven, or null when the class has none: for a field the agent adds
         * while the class first loads, which a class loaded before the agent lacks.
         */
        public static Arg fieldOrNull(String name) {
            return new Arg(Kind.FIELD, 0, name, true);
        }

        /** What the hook's enter call returned. Exit calls only. */
        public static Arg token() {
            return new Arg(Kind.TOKEN, 0, null);
        }

        /**
         * The value being returned, first parameter of a return call only: a reference or a primitive of the bridge
         * parameter's own type; null for {@code void} methods, and for a primitive passed to an {@code Object}.
         */
        public static Arg returned() {
            return new Arg(Kind.RETURNED, 0, null);
        }

        /** The exception being thrown, first parameter of a throw call only. */
        public static Arg thrown() {
            return new Arg(Kind.THROWN, 0, null);
        }
    }

    /** By bridge class; the bridges are the agent's bootstrap classes, which live as long as the JVM anyway. */
    private static final Map<Class<?>, Method[]> PUBLIC_METHODS = new HashMap<>();

    final String owner;
    final String name;
    final String descriptor;
    final Type returnType;
    final Type[] parameterTypes;
    final List<Arg> args;
    /** The field whose absence from the woven class makes {@link #withoutField} the call woven instead; or null. */
    final String requiredField;
    final BridgeCall withoutField;

    private BridgeCall(Method method, List<Arg> args) {
        this.owner = Type.getInternalName(method.getDeclaringClass());
        this.name = method.getName();
        this.descriptor = Type.getMethodDescriptor(method);
        this.returnType = Type.getReturnType(method);
        this.parameterTypes = Type.getArgumentTypes(method);
        this.args = List.copyOf(args);
        this.requiredField = null;
        this.withoutField = null;
    }

    private BridgeCall(BridgeCall call, String requiredField, BridgeCall withoutField) {
        this.owner = call.owner;
        this.name = call.name;
        this.descriptor = call.descriptor;
        this.returnType = call.returnType;
        this.parameterTypes = call.parameterTypes;
        this.args = call.args;
        this.requiredField = requiredField;
        this.withoutField = withoutField;
    }

    /**
     * This call where the woven class has the instance field {@code field}, and {@code fallback} where it has not:
     * for a hook that can decide by a field the agent adds while the class first loads, and must decide otherwise in
     * a class loaded before the agent. Both calls must return the same type, as the woven code around them expects.
     */
    public BridgeCall whereFieldIs(String field, BridgeCall fallback) {
        if (!returnType.equals(fallback.returnType)) {
            throw new IllegalArgumentException(owner + "." + name + " and " + fallback.owner + "." + fallback.name
                    + " must return the same type");
        }
        return new BridgeCall(this, field, fallback);
    }

    /** The call woven into a class with these instance fields. */
    BridgeCall forFields(java.util.Set<String> fields) {
        return requiredField == null || fields.contains(requiredField) ? this : withoutField.forFields(fields);
    }

    /** {@code bridge.method(args...)}: the bridge must have exactly one public static method of that name and arity. */
    public static BridgeCall to(Class<?> bridge, String method, Arg... args) {
        Method found = null;
        for (Method m : publicMethods(bridge)) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length
                    && Modifier.isStatic(m.getModifiers())) {
                if (found != null) {
                    throw new IllegalArgumentException("ambiguous bridge method " + bridge.getName() + "." + method);
                }
                found = m;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no bridge method " + bridge.getName() + "." + method + " with "
                    + args.length + " parameters");
        }
        for (int i = 0; i < args.length; i++) {
            if ((args[i].kind == Arg.Kind.RETURNED || args[i].kind == Arg.Kind.THROWN) && i != 0) {
                throw new IllegalArgumentException("the returned value or thrown exception must be the first argument of "
                        + bridge.getName() + "." + method);
            }
        }
        return new BridgeCall(found, List.of(args));
    }

    /**
     * The bridge's public methods, listed once per bridge: {@code getMethods()} copies every {@code Method} on each
     * call, and the instrumenters ask for about fifty bridge calls in premain (some 2,000 copies otherwise).
     */
    private static Method[] publicMethods(Class<?> bridge) {
        synchronized (PUBLIC_METHODS) {
            Method[] methods = PUBLIC_METHODS.get(bridge);
            if (methods == null) {
                methods = bridge.getMethods();
                PUBLIC_METHODS.put(bridge, methods);
            }
            return methods;
        }
    }

    /** Whether this call, or the one woven instead where the field is absent, passes an argument of {@code kind}. */
    boolean uses(Arg.Kind kind) {
        for (Arg a : args) {
            if (a.kind == kind) {
                return true;
            }
        }
        return withoutField != null && withoutField.uses(kind);
    }
}
