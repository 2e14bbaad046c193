package dev.loopguard.agent.internal.tasks;

import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The calls that may receive the task without keeping it, for {@link TaskFlowPass}: methods of the task that only
 * describe it, statics that read their argument, string building and formatting, and void logging and printing
 * methods (the list is in {@link RejectionHandlerAnalyzer}'s description). Anything else that receives a value that
 * may be the task makes the handler one that may keep it.
 */
final class HarmlessCalls {

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

    private HarmlessCalls() {
    }

    /**
     * A call that receives a value that may be the task: the encoded result when it cannot keep it ({@code TaintStack.TASK} when its
     * result is the task itself), or MayKeep.
     */
    static int harmlessCall(int opcode, String owner, String name, String descriptor, boolean receiverIsTask,
                                    int[] arguments) {
        String signature = name + descriptor;
        if (opcode == Opcodes.INVOKESTATIC) {
            String key = owner + "." + signature;
            if (READING_STATICS.contains(key)) {
                return 0;
            }
            if (RETURNS_FIRST_ARGUMENT.contains(key)) {
                for (int i = 1; i < arguments.length; i++) {
                    if (TaintStack.isTask(arguments[i])) {
                        throw TaskFlowPass.MayKeep.INSTANCE;
                    }
                }
                return TaintStack.TASK;
            }
            throw TaskFlowPass.MayKeep.INSTANCE;
        }
        if ("<init>".equals(name)) {
            throw TaskFlowPass.MayKeep.INSTANCE;
        }
        if (receiverIsTask) {
            // Methods of the task itself that only describe it; any other method may run or hand it on.
            if (OBJECT_QUERIES.contains(signature)) {
                return 0;
            }
            throw TaskFlowPass.MayKeep.INSTANCE;
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
        throw TaskFlowPass.MayKeep.INSTANCE;
    }
}
