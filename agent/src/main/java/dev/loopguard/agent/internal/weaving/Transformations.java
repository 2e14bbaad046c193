package dev.loopguard.agent.internal.weaving;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the agent's instrumenters ask for, collected before the one {@link LoopguardTransformer} is installed: hooks
 * on classes named exactly (the JDK's entry points), hooks and rewriters on classes a {@link TypeFilter} selects
 * (framework loops, controllers, application classes), and what to run around installation.
 *
 * <p>Hooks added with {@link #hookForLoops} are woven only once the first event-loop thread is recognised
 * ({@link LoopguardTransformer#weaveForLoops()}): they act on loop threads only, so a JVM that never runs a loop
 * never pays for retransforming the JDK classes they are in.
 */
public final class Transformations {

    final Map<String, List<Hook>> byName = new HashMap<>();
    final Map<String, List<Hook>> forLoops = new HashMap<>();
    final List<FilteredHooks> filteredHooks = new ArrayList<>();
    final List<FilteredVisitor> visitors = new ArrayList<>();
    final List<Consumer<Instrumentation>> beforeInstall = new ArrayList<>();
    final List<Runnable> afterInstall = new ArrayList<>();
    WatchedMethods watchedMethods;

    /** Told of each method a hook {@linkplain Hook#watchedAtCallSites() watched at its call sites} is woven into. */
    public interface WatchedMethods {
        /** {@code owner} is the class's internal name ({@code java/lang/Thread}), {@code access} the method's flags. */
        void hooked(String owner, int access, String name, String descriptor);
    }

    /** Hooks in the class with this binary name, whatever its loader. */
    public Transformations hook(String className, Hook... hooks) {
        add(byName, className, hooks);
        return this;
    }

    /**
     * Hooks in the class with this binary name, whatever its loader, that only matter on event-loop threads: woven
     * when the first loop thread is recognised, before that thread goes on (see {@link LoopguardTransformer}).
     */
    public Transformations hookForLoops(String className, Hook... hooks) {
        add(forLoops, className, hooks);
        return this;
    }

    private static void add(Map<String, List<Hook>> rules, String className, Hook... hooks) {
        List<Hook> list = rules.get(className);
        if (list == null) {
            list = new ArrayList<>();
            rules.put(className, list);
        }
        list.addAll(List.of(hooks));
    }

    /** Hooks in every class the filter selects. */
    public Transformations hook(TypeFilter classes, Hook... hooks) {
        filteredHooks.add(new FilteredHooks(classes, List.of(hooks)));
        return this;
    }

    /** A rewriter for every class the filter selects. */
    public Transformations visit(TypeFilter classes, VisitorFactory factory) {
        visitors.add(new FilteredVisitor(classes, factory));
        return this;
    }

    /** Runs before the transformer is registered, with the instrumentation it will use. */
    public Transformations beforeInstall(Consumer<Instrumentation> action) {
        beforeInstall.add(action);
        return this;
    }

    /** Runs once the transformer is registered and loaded classes are retransformed. */
    public Transformations afterInstall(Runnable action) {
        afterInstall.add(action);
        return this;
    }

    /** Reports the methods hooks watched at their call sites are woven into, from now on, to {@code listener}. */
    public Transformations reportWatchedMethods(WatchedMethods listener) {
        watchedMethods = listener;
        return this;
    }

    /**
     * The method filters of the hooks {@linkplain Hook#watchedAtCallSites() watched at their call sites}, woven at once
     * or {@linkplain #hookForLoops for loops}, by the internal name ({@code java/lang/Thread}) of the class they are
     * declared for.
     */
    public Map<String, List<MethodFilter>> watchedMethodFilters() {
        Map<String, List<MethodFilter>> result = new HashMap<>();
        addWatchedFilters(byName, result);
        addWatchedFilters(forLoops, result);
        return result;
    }

    private static void addWatchedFilters(Map<String, List<Hook>> rules, Map<String, List<MethodFilter>> result) {
        for (Map.Entry<String, List<Hook>> e : rules.entrySet()) {
            for (Hook hook : e.getValue()) {
                if (hook.watchedAtCallSites) {
                    String owner = e.getKey().replace('.', '/');
                    List<MethodFilter> filters = result.get(owner);
                    if (filters == null) {
                        filters = new ArrayList<>();
                        result.put(owner, filters);
                    }
                    filters.add(hook.methods);
                }
            }
        }
    }

    static final class FilteredHooks {
        final TypeFilter filter;
        final List<Hook> hooks;

        FilteredHooks(TypeFilter filter, List<Hook> hooks) {
            this.filter = filter;
            this.hooks = hooks;
        }
    }

    static final class FilteredVisitor {
        final TypeFilter filter;
        final VisitorFactory factory;

        FilteredVisitor(TypeFilter filter, VisitorFactory factory) {
            this.filter = filter;
            this.factory = factory;
        }
    }
}
