package dev.loopguard.agent.internal.weaving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Which methods of a class a {@link Hook} applies to: a name condition (exact names or prefixes) and optional
 * conditions on arguments, return type, {@code static} and {@code public}. Only methods with a body are ever matched:
 * abstract and native methods, constructors and static initialisers never are.
 */
public final class MethodFilter {
    private enum Flag { ANY, YES, NO }

    private final Set<String> names;       // null: no exact-name condition
    private final List<String> prefixes;   // empty: no prefix condition
    private final int arguments;           // -1: any count
    private final String[] argumentTypes;  // descriptors by position, null entries: any type
    private final String returnType;       // descriptor, null: any
    private final Flag isStatic;
    private final boolean publicOnly;

    private MethodFilter(Set<String> names, List<String> prefixes, int arguments, String[] argumentTypes,
                         String returnType, Flag isStatic, boolean publicOnly) {
        this.names = names;
        this.prefixes = prefixes;
        this.arguments = arguments;
        this.argumentTypes = argumentTypes;
        this.returnType = returnType;
        this.isStatic = isStatic;
        this.publicOnly = publicOnly;
    }

    public static MethodFilter named(String... names) {
        return new MethodFilter(Set.of(names), List.of(), -1, new String[0], null, Flag.ANY, false);
    }

    public static MethodFilter nameStartsWith(String prefix) {
        return new MethodFilter(null, List.of(prefix), -1, new String[0], null, Flag.ANY, false);
    }

    /** Every method with a body. */
    public static MethodFilter any() {
        return new MethodFilter(null, List.of(), -1, new String[0], null, Flag.ANY, false);
    }

    /** Also methods whose name starts with {@code prefix}. */
    public MethodFilter orNameStartsWith(String prefix) {
        List<String> more = new ArrayList<>(prefixes);
        more.add(prefix);
        return new MethodFilter(names == null ? Set.of() : names, List.copyOf(more), arguments, argumentTypes,
                returnType, isStatic, publicOnly);
    }

    /** Also methods with these exact names. */
    public MethodFilter orNamed(String... more) {
        Set<String> all = new HashSet<>(names == null ? Set.of() : names);
        all.addAll(Arrays.asList(more));
        return new MethodFilter(Set.copyOf(all), prefixes, arguments, argumentTypes, returnType, isStatic,
                publicOnly);
    }

    public MethodFilter takingArguments(int count) {
        return new MethodFilter(names, prefixes, count, argumentTypes, returnType, isStatic, publicOnly);
    }

    /** The argument at {@code index} has this type ({@code String.class}, {@code Object[].class}…). */
    public MethodFilter withArgument(int index, Class<?> type) {
        String[] types = Arrays.copyOf(argumentTypes, Math.max(argumentTypes.length, index + 1));
        types[index] = Type.getDescriptor(type);
        return new MethodFilter(names, prefixes, arguments, types, returnType, isStatic, publicOnly);
    }

    public MethodFilter returning(Class<?> type) {
        return new MethodFilter(names, prefixes, arguments, argumentTypes, Type.getDescriptor(type), isStatic,
                publicOnly);
    }

    public MethodFilter staticOnly() {
        return new MethodFilter(names, prefixes, arguments, argumentTypes, returnType, Flag.YES, publicOnly);
    }

    public MethodFilter instanceOnly() {
        return new MethodFilter(names, prefixes, arguments, argumentTypes, returnType, Flag.NO, publicOnly);
    }

    public MethodFilter publicOnly() {
        return new MethodFilter(names, prefixes, arguments, argumentTypes, returnType, isStatic, true);
    }

    /** Whether this filter may select instance methods, and only by their names (not every method of its class). */
    public boolean mayMatchInstanceMethodsByName() {
        return isStatic != Flag.YES && (names != null || !prefixes.isEmpty());
    }

    /** Whether an instance method with this name may be selected (see {@link #mayMatchInstanceMethodsByName()}). */
    public boolean mayMatchInstanceMethodNamed(String name) {
        return mayMatchInstanceMethodsByName() && nameMatches(name);
    }

    public boolean matches(int access, String name, String descriptor) {
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || name.charAt(0) == '<'
                || !nameMatches(name)) {
            return false;
        }
        if (publicOnly && (access & Opcodes.ACC_PUBLIC) == 0) {
            return false;
        }
        boolean st = (access & Opcodes.ACC_STATIC) != 0;
        if (isStatic == Flag.YES && !st || isStatic == Flag.NO && st) {
            return false;
        }
        if (arguments < 0 && argumentTypes.length == 0 && returnType == null) {
            return true;
        }
        Type[] args = Type.getArgumentTypes(descriptor);
        if (arguments >= 0 && args.length != arguments) {
            return false;
        }
        for (int i = 0; i < argumentTypes.length; i++) {
            if (argumentTypes[i] != null && (i >= args.length || !argumentTypes[i].equals(args[i].getDescriptor()))) {
                return false;
            }
        }
        return returnType == null || returnType.equals(Type.getReturnType(descriptor).getDescriptor());
    }

    private boolean nameMatches(String name) {
        if (names == null && prefixes.isEmpty()) {
            return true;
        }
        if (names != null && names.contains(name)) {
            return true;
        }
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
