package dev.loopguard.agent.internal;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * The Java-level JDK entry points of blocking operations, and the class-loading exemption. Native methods cannot be
 * advised without class-format changes; the ones the application calls directly are caught at their call sites by
 * {@link NativeCallSiteTransformer}.
 */
final class BlockingCallInstrumenter implements Instrumenter {

    @Override
    public AgentBuilder contribute(AgentBuilder builder, AgentRuntime runtime) {
        return builder
                .type(named("java.lang.Thread"))
                .transform(advise(BlockingAdvice.Plain.class, java(namedOneOf("sleep", "join"))))
                .type(named("java.util.concurrent.TimeUnit"))
                .transform(advise(BlockingAdvice.Plain.class, java(namedOneOf("sleep", "timedJoin", "timedWait"))))
                .type(named("java.lang.Object"))
                .transform(advise(BlockingAdvice.Plain.class, java(named("wait"))))
                .type(named("java.util.concurrent.locks.LockSupport"))
                .transform(advise(BlockingAdvice.Park.class, java(nameStartsWith("park"))))
                .type(named("java.io.FileInputStream"))
                .transform(advise(BlockingAdvice.Plain.class, java(namedOneOf("read", "readAllBytes", "readNBytes",
                        "skip", "transferTo", "open"))))
                .type(named("java.io.FileOutputStream"))
                .transform(advise(BlockingAdvice.FileOutput.class, java(named("write")))
                        .advice(java(named("open")), BlockingAdvice.Plain.class))
                .type(named("java.io.RandomAccessFile"))
                .transform(advise(BlockingAdvice.Plain.class, java(nameStartsWith("read").or(nameStartsWith("write"))
                        .or(namedOneOf("open", "seek", "length", "setLength", "skipBytes")))))
                .type(named("sun.nio.ch.FileChannelImpl"))
                .transform(advise(BlockingAdvice.Plain.class, java(namedOneOf("read", "write", "transferTo",
                        "transferFrom", "force", "lock", "truncate", "map", "size"))))
                .type(named("java.nio.file.Files"))
                .transform(advise(BlockingAdvice.Plain.class, java(isPublic().and(isStatic()))))
                .type(named("sun.nio.ch.NioSocketImpl"))
                .transform(advise(BlockingAdvice.Plain.class, java(namedOneOf("connect", "accept", "read", "write"))))
                .type(named("java.net.DatagramSocket"))
                .transform(advise(BlockingAdvice.Plain.class, java(isPublic().and(namedOneOf("send", "receive")))))
                .type(named("sun.nio.ch.SocketChannelImpl"))
                .transform(advise(BlockingAdvice.Channel.class, java(not(isStatic())
                        .and(namedOneOf("read", "write", "connect", "finishConnect")))))
                .type(named("sun.nio.ch.ServerSocketChannelImpl"))
                .transform(advise(BlockingAdvice.Channel.class, java(not(isStatic()).and(named("accept")))))
                .type(named("sun.nio.ch.DatagramChannelImpl"))
                .transform(advise(BlockingAdvice.Channel.class, java(not(isStatic())
                        .and(namedOneOf("receive", "send", "read", "write")))))
                .type(named("java.net.InetAddress"))
                .transform(advise(BlockingAdvice.HostLookup.class, java(isPublic().and(isStatic())
                        .and(namedOneOf("getByName", "getAllByName")).and(takesArguments(1))
                        .and(takesArgument(0, String.class))))
                        .advice(java(isPublic().and(named("getLocalHost"))), BlockingAdvice.Plain.class))
                .type(named("java.lang.ProcessBuilder"))
                .transform(advise(BlockingAdvice.Plain.class, java(isPublic().and(namedOneOf("start", "startPipeline")))))
                .type(namedOneOf("java.lang.Process", "java.lang.ProcessImpl"))
                .transform(advise(BlockingAdvice.Plain.class, java(named("waitFor"))))
                .type(named("java.lang.ClassLoader"))
                .transform(advise(BlockingAdvice.Exempt.class, java(named("loadClass"))));
    }

    static ElementMatcher.Junction<MethodDescription> java(ElementMatcher.Junction<? super MethodDescription> m) {
        return not(isNative()).and(not(isAbstract())).and(m);
    }

    /** Advice parsed once per advice class; parsing it per instrumented type would slow the agent's start-up. */
    private static final ClassValue<Advice> PARSED = new ClassValue<>() {
        @Override
        protected Advice computeValue(Class<?> type) {
            return Advice.to(type);
        }
    };

    static Advised advise(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        return new Advised(List.of(PARSED.get(advice).on(methods)));
    }

    /** A transformer that applies one or more inlined advice visitors. */
    static final class Advised implements AgentBuilder.Transformer {
        private final List<AsmVisitorWrapper> visitors;

        private Advised(List<AsmVisitorWrapper> visitors) {
            this.visitors = visitors;
        }

        Advised advice(ElementMatcher<? super MethodDescription> methods, Class<?> advice) {
            List<AsmVisitorWrapper> more = new ArrayList<>(visitors);
            more.add(PARSED.get(advice).on(methods));
            return new Advised(List.copyOf(more));
        }

        @Override
        public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                ClassLoader loader, JavaModule module, ProtectionDomain domain) {
            DynamicType.Builder<?> b = builder;
            for (AsmVisitorWrapper v : visitors) {
                b = b.visit(v);
            }
            return b;
        }
    }
}
