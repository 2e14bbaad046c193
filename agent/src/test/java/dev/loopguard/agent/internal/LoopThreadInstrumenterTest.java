package dev.loopguard.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

class LoopThreadInstrumenterTest {

    /** A Netty-named class whose superclass comes from an optional library that is not on the class path. */
    private static TypeDescription withAbsentSuperclass(String name) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name.replace('.', '/'), null,
                "org/apache/logging/log4j/spi/ExtendedLoggerWrapper", null);
        writer.visitEnd();
        TypePool pool = TypePool.Default.of(new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(name, writer.toByteArray()), ClassFileLocator.ForClassLoader.ofSystemLoader()));
        return pool.describe(name).resolve();
    }

    @Test
    void aNettyClassWhoseSupertypeCannotBeResolvedIsNotAnEventLoopAndNotAnError() {
        TypeDescription broken = withAbsentSuperclass("io.netty.channel.OptionalEventLoopSupport");
        // the hierarchy really is unresolvable: an unguarded supertype matcher throws here
        assertThatThrownBy(() -> broken.getSuperClass().asErasure().getInterfaces())
                .isInstanceOf(IllegalStateException.class);

        assertThat(LoopThreadInstrumenter.nettyEventLoops().matches(broken)).isFalse();
        assertThat(LoopThreadInstrumenter.nettyEventLoops()
                .matches(withAbsentSuperclass("io.netty.util.internal.logging.Log4J2Logger"))).isFalse();
    }

    @Test
    void nettyChannelEventLoopsMatchAndOtherExecutorsDoNot() {
        assertThat(LoopThreadInstrumenter.nettyEventLoops()
                .matches(TypeDescription.ForLoadedType.of(io.netty.channel.nio.NioEventLoop.class))).isTrue();
        assertThat(LoopThreadInstrumenter.nettyEventLoops()
                .matches(TypeDescription.ForLoadedType.of(io.netty.channel.DefaultEventLoop.class))).isTrue();
        assertThat(LoopThreadInstrumenter.nettyEventLoops().matches(
                TypeDescription.ForLoadedType.of(io.netty.util.concurrent.DefaultEventExecutor.class))).isFalse();
        assertThat(LoopThreadInstrumenter.nettyEventLoops()
                .matches(TypeDescription.ForLoadedType.of(io.netty.channel.EventLoop.class))).isFalse();
    }
}
