package dev.loopguard.hardware;

/** Which level transitions of a {@link DigitalInput} a listener wants. */
public enum Edge {
    /** Low to high. */
    RISING,
    /** High to low. */
    FALLING,
    /** Either transition. */
    BOTH;

    /** Whether a change to {@code newState} is an edge of this kind. */
    public boolean matches(boolean newState) {
        return this == BOTH || (this == RISING) == newState;
    }
}
