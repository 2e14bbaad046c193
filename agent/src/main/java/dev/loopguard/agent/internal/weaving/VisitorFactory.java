package dev.loopguard.agent.internal.weaving;

import net.bytebuddy.jar.asm.ClassVisitor;

/** Wraps a class's visitor chain with a rewriter of its own (call sites, for example). */
public interface VisitorFactory {
    /** @return the visitor to put in front of {@code next}, or {@code next} when there is nothing to do */
    ClassVisitor wrap(ClassVisitor next, ClassHeader header, ClassLoader loader, TypeHierarchy hierarchy);
}
