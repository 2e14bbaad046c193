/**
 * The bridge between woven hooks and the agent: small classes the agent defines in the bootstrap class loader,
 * so that hooks in JDK classes can call them. Each entry point is a few field reads the JIT inlines into the hooked
 * method; the call into the agent sits behind a separate {@link dev.loopguard.agent.bootstrap.OutOfLine} method.
 *
 * <p>Internal, not API. Every class here is listed in {@code BootstrapInjector.BOOTSTRAP_CLASSES} (a test checks
 * it), and must depend on nothing outside {@code java.base}.
 */
package dev.loopguard.agent.bootstrap;
