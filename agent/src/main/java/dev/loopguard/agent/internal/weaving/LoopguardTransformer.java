package dev.loopguard.agent.internal.weaving;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * The agent's one class-file transformer: applies the {@link Transformations} the instrumenters asked for, with
 * ASM and nothing else. A class no rule can concern (decided by name alone) is returned untouched without being
 * parsed, which keeps the cost per loaded class to a few map and string look-ups.
 *
 * <p>Hooks that act on event-loop threads only ({@link Transformations#hookForLoops}) are left out until
 * {@link #weaveForLoops()}: retransforming the JDK classes they are in ({@code Thread}, {@code Object},
 * {@code Files}...) was the largest part of the agent's start-up, and a JVM that never runs an event loop never needs
 * them. The thread that becomes the first loop weaves them before it goes on, and every other thread that becomes a
 * loop meanwhile waits for that, so a loop's first blocking call is seen.
 *
 * <p>Why not Byte Buddy's {@code AgentBuilder}: on a 2-core machine its type matching and advice machinery loaded
 * about 1,100 classes and cost 0.8 to 1 s of JVM start-up; these rules need ASM's reader and writer only (see
 * docs/ARCHITECTURE.md).
 */
public final class LoopguardTransformer implements ClassFileTransformer {

    private final Transformations rules;
    private final Instrumentation instrumentation;
    private final Module bridgeModule;
    private final BiConsumer<String, Throwable> failures;
    /** Whether {@link #apply} includes the loop-only hooks: set when their weaving starts. */
    private volatile boolean forLoops;
    /** Whether the loop-only hooks are in place in every loaded class they concern. */
    private volatile boolean wovenForLoops;
    /** Classes with loop-only hooks that were loaded before those hooks were woven, by binary name. */
    private final Set<String> loadedWithoutLoopHooks = ConcurrentHashMap.newKeySet();

    /**
     * @param bridgeModule the module of the bootstrap bridges, which every instrumented class must be able to read
     * @param failures     told of a class that could not be instrumented (it then stays as it was)
     */
    public LoopguardTransformer(Transformations rules, Instrumentation instrumentation, Module bridgeModule,
                                BiConsumer<String, Throwable> failures) {
        this.rules = rules;
        this.instrumentation = instrumentation;
        this.bridgeModule = bridgeModule;
        this.failures = failures;
    }

    /**
     * Runs the before-install actions, registers this transformer, retransforms the loaded classes it concerns, then
     * runs the after-install actions.
     */
    public void install() {
        for (Consumer<Instrumentation> action : rules.beforeInstall) {
            action.accept(instrumentation);
        }
        instrumentation.addTransformer(this, true);
        retransform(loadedClasses(false, null));
        for (Runnable action : rules.afterInstall) {
            action.run();
        }
    }

    /**
     * Weaves the loop-only hooks ({@link Transformations#hookForLoops}) into the classes they concern: the loaded
     * ones are retransformed now, the others get them when they load. Runs on the thread that has just been
     * recognised as an event loop, before it runs a task; a thread calling it while another is weaving waits until
     * the weaving is done. Then returns at once. Never throws: a class that cannot be retransformed is reported to
     * the failure consumer and stays as it was.
     */
    public void weaveForLoops() {
        if (wovenForLoops) {
            return;
        }
        synchronized (this) {
            if (forLoops) {
                return; // done, or this thread is weaving (a hook reached from the retransformation)
            }
            try {
                forLoops = true;
                List<Class<?>> first = loadedClasses(true, null);
                retransform(first);
                // A class whose load began before forLoops was set, and ended after the list above was taken.
                List<Class<?>> late = loadedClasses(true, first);
                retransform(late);
            } catch (Throwable e) {
                failures.accept("instrumentation for event loops", e);
            } finally {
                wovenForLoops = true;
            }
        }
    }

    /** Whether the loop-only hooks are woven (see {@link #weaveForLoops()}). */
    public boolean wovenForLoops() {
        return wovenForLoops;
    }

    /**
     * The loaded classes to retransform: those any rule may concern, or with {@code loopOnly} those with loop-only
     * hooks, and of those only the ones loaded before the hooks were woven and not in {@code except}.
     */
    private List<Class<?>> loadedClasses(boolean loopOnly, List<Class<?>> except) {
        List<Class<?>> targets = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type.isArray() || type.isPrimitive() || type.isHidden()) {
                continue;
            }
            String name = type.getName();
            boolean concerned;
            if (!loopOnly) {
                concerned = mayConcern(name, type.getClassLoader());
            } else if (except == null) {
                concerned = rules.forLoops.containsKey(name);
            } else {
                concerned = loadedWithoutLoopHooks.contains(name) && rules.forLoops.containsKey(name)
                        && !except.contains(type);
            }
            if (concerned && instrumentation.isModifiableClass(type)) {
                targets.add(type);
            }
        }
        return targets;
    }

    private void retransform(List<Class<?>> targets) {
        if (targets.isEmpty()) {
            return;
        }
        try {
            instrumentation.retransformClasses(targets.toArray(new Class<?>[0]));
        } catch (Throwable batchFailed) {
            // One class the JVM refuses fails the whole batch: retry one by one, so only that one is lost.
            for (Class<?> type : targets) {
                try {
                    instrumentation.retransformClasses(type);
                } catch (Throwable e) {
                    failures.accept("instrumentation of " + type.getName(), e);
                }
            }
        }
    }

    private boolean mayConcern(String binaryName, ClassLoader loader) {
        if (binaryName.startsWith("dev.loopguard.agent.") || binaryName.contains("$$Lambda")) {
            return false;
        }
        if (rules.byName.containsKey(binaryName) || forLoops && rules.forLoops.containsKey(binaryName)) {
            return true;
        }
        for (Transformations.FilteredHooks f : rules.filteredHooks) {
            if (f.filter.mayMatch(binaryName, loader)) {
                return true;
            }
        }
        for (Transformations.FilteredVisitor f : rules.visitors) {
            if (f.filter.mayMatch(binaryName, loader)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain domain, byte[] bytes) {
        if (internalName == null) {
            return null;
        }
        String binaryName = internalName.replace('/', '.');
        try {
            if (!forLoops && rules.forLoops.containsKey(binaryName)) {
                loadedWithoutLoopHooks.add(binaryName);
            }
            if (!mayConcern(binaryName, loader)) {
                return null;
            }
            byte[] result = apply(binaryName, loader, bytes);
            if (result != null && module != null && module.isNamed() && !module.canRead(bridgeModule)) {
                instrumentation.redefineModule(module, Set.of(bridgeModule), Map.of(), Map.of(), Set.of(), Map.of());
            }
            return result;
        } catch (Throwable e) {
            failures.accept("instrumentation of " + binaryName, e);
            return null;
        }
    }

    /** The transformed class file, or null when no rule applies. Visible for tests and the start-up warm-up. */
    public byte[] apply(String binaryName, ClassLoader loader, byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassHeader header = ClassHeader.of(reader);
        TypeHierarchy hierarchy = null;
        List<Hook> hooks = new ArrayList<>(rules.byName.getOrDefault(binaryName, List.of()));
        if (forLoops) {
            hooks.addAll(rules.forLoops.getOrDefault(binaryName, List.of()));
        }
        for (Transformations.FilteredHooks f : rules.filteredHooks) {
            if (f.filter.mayMatch(binaryName, loader)) {
                hierarchy = hierarchy == null ? TypeHierarchy.of(loader) : hierarchy;
                if (f.filter.matches(header, hierarchy)) {
                    hooks.addAll(f.hooks);
                }
            }
        }
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        ClassVisitor chain = writer;
        boolean rewritten = false;
        for (Transformations.FilteredVisitor f : rules.visitors) {
            if (f.filter.mayMatch(binaryName, loader)) {
                hierarchy = hierarchy == null ? TypeHierarchy.of(loader) : hierarchy;
                if (f.filter.matches(header, hierarchy)) {
                    ClassVisitor wrapped = f.factory.wrap(chain, header, loader, hierarchy);
                    rewritten |= wrapped != chain;
                    chain = wrapped;
                }
            }
        }
        HookWeaver weaver = null;
        if (!hooks.isEmpty()) {
            weaver = new HookWeaver(chain, hooks, reader, rules.watchedMethods);
            chain = weaver;
        }
        if (!rewritten && weaver == null) {
            return null;
        }
        reader.accept(chain, weaver != null ? weaver.readerFlags() : 0);
        if (!rewritten && !weaver.changed()) {
            return null;
        }
        return writer.toByteArray();
    }
}
