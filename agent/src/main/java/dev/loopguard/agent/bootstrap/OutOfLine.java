package dev.loopguard.agent.bootstrap;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bridge method that the JIT must never inline: the rare path behind a fast check that hooks and rewritten
 * call sites run for every future. Inlined, it makes the small method around it "already compiled into a big
 * method", which the JIT then refuses to inline into the application's code, and the fast check becomes a call.
 *
 * <p>Only a marker in the class file: the agent's build adds the JDK's own
 * {@code jdk.internal.vm.annotation.DontInline} next to it ({@code BootstrapBuild}, javac cannot write it when compiling
 * for {@code --release 17}), and HotSpot honours that for classes of the bootstrap class loader, where the agent
 * defines the bridge classes.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OutOfLine {
}
