package dev.loopguard.agent.internal.loops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.internal.weaving.ClassHeader;
import dev.loopguard.agent.internal.weaving.TypeFilter;
import dev.loopguard.agent.internal.weaving.TypeHierarchy;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

class LoopThreadInstrumenterTest {

    private static final TypeFilter LOOPS = LoopThreadInstrumenter.NETTY_EVENT_LOOPS;
    private final ClassLoader loader = getClass().getClassLoader();
    private final TypeHierarchy hierarchy = TypeHierarchy.of(loader);

    /** A Netty-named class whose superclass comes from an optional library that is not on the class path. */
    private static ClassHeader withAbsentSuperclass(String name) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name.replace('.', '/'), null,
                "org/apache/logging/log4j/spi/ExtendedLoggerWrapper", null);
        writer.visitEnd();
        return ClassHeader.read(writer.toByteArray());
    }

    private boolean isLoop(String name) {
        ClassHeader header = hierarchy.header(name);
        assertThat(header).as(name).isNotNull();
        return LOOPS.mayMatch(name, loader) && LOOPS.matches(header, hierarchy);
    }

    @Test
    void aNettyClassWhoseSupertypeCannotBeResolvedIsNotAnEventLoopAndNotAnError() {
        ClassHeader broken = withAbsentSuperclass("io.netty.channel.OptionalEventLoopSupport");
        // the hierarchy really is unresolvable
        assertThat(hierarchy.header("org.apache.logging.log4j.spi.ExtendedLoggerWrapper")).isNull();

        assertThat(LOOPS.mayMatch(broken.name(), loader)).isTrue();
        assertThat(LOOPS.matches(broken, hierarchy)).isFalse();
    }

    @Test
    void nettyChannelEventLoopsMatchAndOtherExecutorsDoNot() {
        assertThat(isLoop(io.netty.channel.nio.NioEventLoop.class.getName())).isTrue();
        assertThat(isLoop(io.netty.channel.DefaultEventLoop.class.getName())).isTrue();
        assertThat(isLoop(io.netty.util.concurrent.DefaultEventExecutor.class.getName())).isFalse();
        assertThat(isLoop(io.netty.channel.EventLoop.class.getName())).isFalse();
        assertThat(isLoop(io.netty.channel.nio.NioEventLoopGroup.class.getName())).isFalse();
    }
}
