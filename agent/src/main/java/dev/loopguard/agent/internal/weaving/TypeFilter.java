package dev.loopguard.agent.internal.weaving;

/**
 * Selects classes by more than their exact name. {@link #mayMatch} runs for every class the JVM loads, so it must
 * be cheap and decide by name and loader alone; {@link #matches} runs only when it said yes, with the class's header
 * and the hierarchy its loader sees.
 */
public interface TypeFilter {

    boolean mayMatch(String binaryName, ClassLoader loader);

    default boolean matches(ClassHeader header, TypeHierarchy hierarchy) {
        return true;
    }
}
