package dev.loopguard.agent.internal.futures;

import java.util.Objects;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;

/**
 * Applies {@link CallSiteRewriter} to every method of one application class. Reads the {@code SourceFile} attribute
 * first, so that sites render as the stack traces of the same code would ({@code Pump.run(Pump.java:41)}).
 */
final class CallSiteClassVisitor extends ClassVisitor {

    private final ReturnTypeClassifier classifier;
    private final TypePool pool;
    private final CallSitePolicy policy;
    private final CallSites sites;
    private String className;
    private String sourceFile;

    CallSiteClassVisitor(ClassVisitor next, TypePool pool, ReturnTypeClassifier classifier, CallSitePolicy policy,
                         CallSites sites) {
        super(Opcodes.ASM9, next);
        this.pool = Objects.requireNonNull(pool, "pool");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sites = Objects.requireNonNull(sites, "sites");
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name.replace('/', '.');
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public void visitSource(String source, String debug) {
        sourceFile = source;
        super.visitSource(source, debug);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (next == null || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return next;
        }
        return new CallSiteRewriter(next, className, name, sourceFile, classifier, pool, policy, sites);
    }
}
