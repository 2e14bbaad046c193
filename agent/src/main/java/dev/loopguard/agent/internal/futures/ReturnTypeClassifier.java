package dev.loopguard.agent.internal.futures;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.loopguard.agent.internal.weaving.ClassHeader;
import dev.loopguard.agent.internal.weaving.TypeHierarchy;

/**
 * Classifies a return type by its class hierarchy, read through a {@link TypeHierarchy} so that no class is loaded (a
 * transformer that loads the classes it inspects changes the program's class-initialisation order, and can deadlock).
 * A type that cannot be resolved is {@link ResultKind#OTHER}: an unknown type is never reported.
 */
public final class ReturnTypeClassifier {

    private static final Set<String> LAZY_ROOTS = Set.of(
            "org.reactivestreams.Publisher",
            "java.util.concurrent.Flow$Publisher",
            "reactor.core.publisher.Mono",
            "reactor.core.publisher.Flux",
            "io.reactivex.Completable", "io.reactivex.Single", "io.reactivex.Maybe",
            "io.reactivex.Observable", "io.reactivex.Flowable",
            "io.reactivex.rxjava3.core.Completable", "io.reactivex.rxjava3.core.Single",
            "io.reactivex.rxjava3.core.Maybe", "io.reactivex.rxjava3.core.Observable",
            "io.reactivex.rxjava3.core.Flowable");

    private static final Set<String> EAGER_ROOTS = Set.of(
            "java.util.concurrent.Future",
            "java.util.concurrent.CompletionStage",
            "io.vertx.core.Future",
            "io.netty.util.concurrent.Future");

    // Names seen on almost every call site; answering them without a pool look-up keeps instrumentation cheap.
    private static final Set<String> PLAIN = Set.of(
            "java.lang.Object", "java.lang.String", "java.lang.Integer", "java.lang.Long", "java.lang.Boolean",
            "java.lang.StringBuilder", "java.util.List", "java.util.Map", "java.util.Set", "java.util.Optional",
            "java.util.Collection", "java.util.Iterator", "java.lang.Class", "java.lang.Thread");

    private final TypeHierarchy hierarchy;
    private final Map<String, ResultKind> cache = new ConcurrentHashMap<>();

    public ReturnTypeClassifier(TypeHierarchy hierarchy) {
        this.hierarchy = Objects.requireNonNull(hierarchy, "hierarchy");
    }

    /** Classifies a method descriptor's return type. */
    ResultKind classifyReturn(String methodDescriptor) {
        int close = methodDescriptor.lastIndexOf(')');
        String ret = methodDescriptor.substring(close + 1);
        if (ret.length() < 3 || ret.charAt(0) != 'L') {
            return ResultKind.OTHER; // primitives, void and arrays
        }
        return classify(ret.substring(1, ret.length() - 1).replace('/', '.'));
    }

    /** Classifies a type by its binary name ({@code java.util.concurrent.Flow$Publisher}). */
    ResultKind classify(String binaryName) {
        if (PLAIN.contains(binaryName)) {
            return ResultKind.OTHER;
        }
        ResultKind known = cache.get(binaryName);
        if (known != null) {
            return known;
        }
        ResultKind kind = walk(binaryName);
        cache.put(binaryName, kind);
        return kind;
    }

    private ResultKind walk(String binaryName) {
        ArrayDeque<String> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        pending.add(binaryName);
        boolean eager = false;
        while (!pending.isEmpty()) {
            String name = pending.poll();
            if (!seen.add(name) || "java.lang.Object".equals(name)) {
                continue;
            }
            if (LAZY_ROOTS.contains(name)) {
                return ResultKind.LAZY_PUBLISHER; // lazy wins: a type that is both is still never run unsubscribed
            }
            if (EAGER_ROOTS.contains(name)) {
                eager = true;
                continue;
            }
            ClassHeader type = hierarchy.header(name);
            if (type == null) {
                continue; // a missing supertype (optional dependency absent) only hides that branch of the hierarchy
            }
            if (type.superName() != null) {
                pending.add(type.superName());
            }
            pending.addAll(type.interfaces());
        }
        return eager ? ResultKind.EAGER_FUTURE : ResultKind.OTHER;
    }
}
