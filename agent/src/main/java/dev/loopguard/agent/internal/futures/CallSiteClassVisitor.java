package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.tasks.LambdaHandlerSites;
import dev.loopguard.agent.internal.tasks.RejectionHandlerAnalyzer;
import dev.loopguard.agent.internal.tasks.RejectionHandlerVerdicts;
import dev.loopguard.agent.internal.weaving.TypeHierarchy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Applies {@link CallSiteRewriter} to every method of one application class. Reads the {@code SourceFile} attribute
 * first, so that sites render as the stack traces of the same code would ({@code Pump.run(Pump.java:41)}). With a
 * {@link RejectionHandlerVerdicts.Recorder}, also judges the class's {@code rejectedExecution} method, if it has one,
 * and every method that could be the body of a lambda or method reference handler, records the verdicts when the
 * class ends, and marks where the class creates such handlers ({@link LambdaHandlerSites}).
 */
public final class CallSiteClassVisitor extends ClassVisitor {

    private final ReturnTypeClassifier classifier;
    private final TypeHierarchy hierarchy;
    private final CallSitePolicy policy;
    private final CallSites sites;
    private final RejectionHandlerVerdicts.Recorder handlers;
    private String className;
    private String superName;
    private String sourceFile;
    private RejectionHandlerAnalyzer handler;
    /** Methods that may be the body of a lambda or method reference handler, by name and descriptor. */
    private final Map<String, RejectionHandlerAnalyzer> implementations = new HashMap<>();

    public CallSiteClassVisitor(ClassVisitor next, TypeHierarchy hierarchy, ReturnTypeClassifier classifier, CallSitePolicy policy,
                         CallSites sites) {
        this(next, hierarchy, classifier, policy, sites, null);
    }

    /** @param handlers where rejection-handler verdicts go; null when handlers are not judged (tracking off) */
    public CallSiteClassVisitor(ClassVisitor next, TypeHierarchy hierarchy, ReturnTypeClassifier classifier, CallSitePolicy policy,
                         CallSites sites, RejectionHandlerVerdicts.Recorder handlers) {
        super(Opcodes.ASM9, next);
        this.handlers = handlers;
        this.hierarchy = Objects.requireNonNull(hierarchy, "hierarchy");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sites = Objects.requireNonNull(sites, "sites");
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name.replace('/', '.');
        this.superName = superName == null ? null : superName.replace('/', '.');
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
        if (next != null && handlers != null) {
            next = new LambdaHandlerSites(next);
        }
        if (next != null && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
            next = new CallSiteRewriter(next, className, name, sourceFile, classifier, hierarchy, policy, sites);
        }
        if (handlers != null && RejectionHandlerAnalyzer.isHandlerMethod(access, name, descriptor)) {
            handler = new RejectionHandlerAnalyzer(next); // sees the code as loaded, before the rewriter
            return handler;
        }
        if (handlers != null && RejectionHandlerAnalyzer.isHandlerImplementation(access, name, descriptor)) {
            RejectionHandlerAnalyzer body = new RejectionHandlerAnalyzer(next,
                    RejectionHandlerAnalyzer.taskLocal(access, descriptor));
            implementations.put(LambdaHandlerSites.key(className, name, descriptor), body);
            return body;
        }
        return next;
    }

    @Override
    public void visitEnd() {
        if (handlers != null) {
            boolean applicationSuper = superName != null && policy.isApplicationClass(superName);
            handlers.classVisited(className, applicationSuper ? superName : null,
                    handler == null ? null : handler.neverKeepsTask());
            for (Map.Entry<String, RejectionHandlerAnalyzer> body : implementations.entrySet()) {
                handlers.implementationVisited(body.getKey(), body.getValue().neverKeepsTask());
            }
        }
        super.visitEnd();
    }
}
