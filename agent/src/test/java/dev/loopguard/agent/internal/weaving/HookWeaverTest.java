package dev.loopguard.agent.internal.weaving;

import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.argument;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.constant;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.field;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.methodName;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.nullValue;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.operation;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.returned;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.self;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.thrown;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.token;
import static dev.loopguard.agent.internal.weaving.MethodFilter.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hooks woven into a fixture class that is then loaded, verified by the JVM and run. */
class HookWeaverTest {

    private static final String FIXTURE = WeavingFixture.class.getName();
    private static final String OPERATION = FIXTURE + ".";

    private static final BridgeCall EXIT = bridge("exit", token());
    private static final BridgeCall EXIT_LONG = bridge("exitLong", token());

    @BeforeEach
    void clearEvents() {
        RecordingBridge.EVENTS.clear();
        RecordingBridge.next = 100;
        RecordingBridge.lastThrown = null;
    }

    @Test
    void entryAndExitSurroundMethodsWithLoopsTwoSlotLocalsAndTheirOwnCatch() throws Throwable {
        Class<?> woven = weave(Hook.on(named("crunch", "weigh", "spin"))
                .enter(bridge("enter", operation(), constant(7), nullValue()))
                .onExit(EXIT));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");

        assertThat(invoke(woven, null, "crunch", 10)).isEqualTo(WeavingFixture.crunch(10));
        assertThat(invoke(woven, null, "crunch", 4)).isEqualTo(WeavingFixture.crunch(4));
        assertThat(invoke(woven, kiln, "weigh", 3L, "kg", 0.5))
                .isEqualTo(new WeavingFixture("kiln").weigh(3L, "kg", 0.5));
        assertThat(invoke(woven, null, "spin", 9)).isEqualTo(WeavingFixture.spin(9));

        assertThat(RecordingBridge.EVENTS).containsExactly(
                "enter " + OPERATION + "crunch 7 null -> 100", "exit 100",
                "enter " + OPERATION + "crunch 7 null -> 101", "exit 101",
                "enter " + OPERATION + "weigh 7 null -> 102", "exit 102",
                "enter " + OPERATION + "spin 7 null -> 103", "exit 103");
    }

    @Test
    void everyMethodOfTheFixtureVerifiesWithAnIntAndALongToken() throws Throwable {
        Class<?> woven = weave(
                Hook.on(MethodFilter.any())
                        .enter(bridge("enter", methodName(), constant(1), nullValue()))
                        .onExit(EXIT),
                Hook.on(MethodFilter.any())
                        .enter(bridge("enterLong", nullValue(), methodName()))
                        .onExit(EXIT_LONG));

        assertThat(invoke(woven, null, "classify", 2)).isEqualTo("two");
        assertThat(RecordingBridge.EVENTS).containsExactly(
                "enter classify 1 null -> 100", "enterLong null classify -> 1099511627877",
                "exitLong 1099511627877", "exit 100");
    }

    @Test
    void aThrownExceptionRunsTheExitWithTheTokenAndPropagatesUnchanged() throws Throwable {
        Class<?> woven = weave(Hook.on(named("fail"))
                .enter(bridge("enter", methodName(), constant(0), nullValue()))
                .onReturn(EXIT)
                .onThrow(bridge("failed", thrown(), token())));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");
        IllegalStateException failure = new IllegalStateException("boom");

        assertThatThrownBy(() -> invoke(woven, kiln, "fail", failure)).isSameAs(failure);
        assertThat(RecordingBridge.lastThrown).isSameAs(failure);
        assertThat(invoke(woven, kiln, "fail", (Object) null)).isEqualTo(0);

        assertThat(RecordingBridge.EVENTS).containsExactly(
                "enter fail 0 null -> 100", "failed java.lang.IllegalStateException: boom 100",
                "enter fail 0 null -> 101", "exit 101");
    }

    @Test
    void theMethodsOwnHandlerTakesPrecedenceOverTheWovenCatchAll() throws Throwable {
        Class<?> woven = weave(Hook.on(named("recover"))
                .enter(bridge("enter", methodName(), constant(0), nullValue()))
                .onExit(EXIT));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");

        assertThat(invoke(woven, kiln, "recover", "not a number")).isEqualTo(-1);
        assertThat(invoke(woven, kiln, "recover", "12")).isEqualTo(12);

        assertThat(RecordingBridge.EVENTS).containsExactly(
                "enter recover 0 null -> 100", "exit 100", "enter recover 0 null -> 101", "exit 101");
    }

    @Test
    void aThrowCallCanTakeTheInstanceAndTheMethodName() throws Throwable {
        Class<?> woven = weave(Hook.on(named("fail"))
                .enter(bridge("enterLong", self(), methodName()))
                .onReturn(bridge("returnedObj", returned(), self(), methodName(), token()))
                .onThrow(bridge("thrown", thrown(), self(), methodName(), token())));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");
        IllegalStateException failure = new IllegalStateException("boom");

        assertThatThrownBy(() -> invoke(woven, kiln, "fail", failure)).isSameAs(failure);
        assertThat(RecordingBridge.lastThrown).isSameAs(failure);
        assertThat(RecordingBridge.EVENTS).containsExactly("enterLong WeavingFixture(kiln) fail -> 1099511627876",
                "thrown java.lang.IllegalStateException: boom WeavingFixture(kiln) fail 1099511627876");
    }

    @Test
    void aThrowCallWithoutATokenReadsTheArgumentAndThisFromCompressedFrames() throws Throwable {
        Hook hook = Hook.on(named("fail", "recover", "spin").instanceOnly())
                .enter(bridge("mark", methodName()))
                .onThrow(bridge("refused", argument(0), self()));
        ClassReader reader = new ClassReader(fixtureBytes());
        assertThat(new HookWeaver(new ClassWriter(0), List.of(hook), reader).readerFlags())
                .as("no token: frames stay compressed").isZero();
        Class<?> woven = weave(hook);
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");
        IllegalStateException failure = new IllegalStateException("boom");

        assertThatThrownBy(() -> invoke(woven, kiln, "fail", failure)).isSameAs(failure);
        assertThat(invoke(woven, kiln, "recover", "x")).isEqualTo(-1);
        assertThat(RecordingBridge.EVENTS).containsExactly("mark fail",
                "refused java.lang.IllegalStateException: boom WeavingFixture(kiln)", "mark recover");
    }

    @Test
    void returnCallsSeeABooleanAnObjectOrNullForVoid() throws Throwable {
        Class<?> woven = weave(
                Hook.on(named("isDone")).onReturn(bridge("onCompletion", returned(), self())),
                Hook.on(named("greet", "touch", "isDone"))
                        .enter(bridge("enterLong", self(), methodName()))
                        .onReturn(bridge("returnedObj", returned(), self(), methodName(), token())));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");

        assertThat(invoke(woven, kiln, "isDone", 5)).isEqualTo(true);
        assertThat(invoke(woven, kiln, "greet", "ada")).isEqualTo("hello ada from kiln");
        assertThat(invoke(woven, kiln, "touch")).isNull();

        assertThat(RecordingBridge.EVENTS).containsExactly(
                "enterLong WeavingFixture(kiln) isDone -> 1099511627876",
                "returnedObj null WeavingFixture(kiln) isDone 1099511627876",
                "completion true WeavingFixture(kiln)",
                "enterLong WeavingFixture(kiln) greet -> 1099511627877",
                "returnedObj hello ada from kiln WeavingFixture(kiln) greet 1099511627877",
                "enterLong WeavingFixture(kiln) touch -> 1099511627878",
                "returnedObj null WeavingFixture(kiln) touch 1099511627878");
    }

    @Test
    void argumentsAfterALongAFieldAndTheMethodNameAreWhatTheBridgeReceives() throws Throwable {
        BridgeCall arguments = bridge("arguments", argument(0), argument(1), argument(2));
        Class<?> woven = weave(
                Hook.on(named("mixed", "tagged")).enter(arguments).onReturn(arguments),
                Hook.on(named("tagged")).enter(bridge("labelled", field("label"), nullValue(), methodName())));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");

        assertThat(invoke(woven, null, "mixed", 1L << 33, "static", 4))
                .isEqualTo(WeavingFixture.mixed(1L << 33, "static", 4));
        assertThat(invoke(woven, kiln, "tagged", -5L, "instance", 6))
                .isEqualTo(new WeavingFixture("kiln").tagged(-5L, "instance", 6));

        assertThat(RecordingBridge.EVENTS).containsExactly(
                "arguments 8589934592 static 4", "arguments 8589934592 static 4",
                "arguments -5 instance 6", "labelled kiln null tagged", "arguments -4 instance 6");
    }

    @Test
    void aFieldTheClassLacksIsPassedAsNullWhenTheHookAllowsIt() throws Throwable {
        Class<?> woven = weave(Hook.on(named("tagged"))
                .enter(bridge("labelled", BridgeCall.Arg.fieldOrNull("label"),
                        BridgeCall.Arg.fieldOrNull("loopguard$absent"), methodName())));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");

        invoke(woven, kiln, "tagged", 1L, "b", 2);

        assertThat(RecordingBridge.EVENTS).containsExactly("labelled kiln null tagged");
    }

    @Test
    void aCallThatNeedsAFieldIsReplacedByItsFallbackWhereTheClassLacksIt() throws Throwable {
        Class<?> withField = weave(Hook.on(named("tagged"))
                .enter(bridge("labelled", BridgeCall.Arg.field("label"), nullValue(), methodName())
                        .whereFieldIs("label", bridge("mark", methodName()))));
        invoke(withField, withField.getConstructor(String.class).newInstance("kiln"), "tagged", 1L, "b", 2);
        Class<?> withoutField = weave(Hook.on(named("tagged"))
                .enter(bridge("labelled", BridgeCall.Arg.field("loopguard$absent"), nullValue(), methodName())
                        .whereFieldIs("loopguard$absent", bridge("mark", methodName()))));
        invoke(withoutField, withoutField.getConstructor(String.class).newInstance("kiln"), "tagged", 1L, "b", 2);

        assertThat(RecordingBridge.EVENTS).containsExactly("labelled kiln null tagged", "mark tagged");
    }

    @Test
    void aFallbackMustReturnWhatTheCallItReplacesReturns() {
        assertThatThrownBy(() -> bridge("labelled", BridgeCall.Arg.field("label"), nullValue(), methodName())
                .whereFieldIs("label", bridge("enter", methodName(), constant(1), nullValue())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must return the same type");
    }

    @Test
    void twoHooksOnOneMethodEnterInOrderAndExitInReverseOrder() throws Throwable {
        Class<?> woven = weave(
                Hook.on(named("weigh", "fail"))
                        .enter(bridge("enter", methodName(), constant(1), nullValue()))
                        .onExit(EXIT),
                Hook.on(named("weigh", "fail"))
                        .enter(bridge("enterLong", nullValue(), methodName()))
                        .onExit(EXIT_LONG));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");
        IllegalArgumentException failure = new IllegalArgumentException("late");

        assertThat(invoke(woven, kiln, "weigh", 8L, "g", 2.0))
                .isEqualTo(new WeavingFixture("kiln").weigh(8L, "g", 2.0));
        assertThatThrownBy(() -> invoke(woven, kiln, "fail", failure)).isSameAs(failure);

        assertThat(RecordingBridge.EVENTS).containsExactly(
                "enter weigh 1 null -> 100", "enterLong null weigh -> 1099511627877",
                "exitLong 1099511627877", "exit 100",
                "enter fail 1 null -> 102", "enterLong null fail -> 1099511627879",
                "exitLong 1099511627879", "exit 102");
    }

    @Test
    void aSynchronizedMethodAndATableSwitchStillVerify() throws Throwable {
        Class<?> woven = weave(Hook.on(named("locked", "classify"))
                .enter(bridge("enterLong", nullValue(), methodName()))
                .onExit(EXIT_LONG));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");

        assertThat(invoke(woven, kiln, "locked", 5)).isEqualTo(10);
        assertThat(Thread.holdsLock(kiln)).isFalse();
        assertThatThrownBy(() -> invoke(woven, kiln, "locked", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Thread.holdsLock(kiln)).isFalse();
        List<Object> classes = new ArrayList<>();
        for (int code = -1; code <= 4; code++) {
            classes.add(invoke(woven, null, "classify", code));
        }

        assertThat(classes).containsExactly("many", "zero", "one", "two", "three", "many");
        assertThat(RecordingBridge.EVENTS).hasSize(16).startsWith(
                "enterLong null locked -> 1099511627876", "exitLong 1099511627876",
                "enterLong null locked -> 1099511627877", "exitLong 1099511627877");
    }

    @Test
    void onlyTheMethodsTheFilterSelectsAreWoven() throws Throwable {
        Class<?> woven = weave(Hook.on(MethodFilter.nameStartsWith("mix").orNamed("tagged", "greet")
                        .takingArguments(3).withArgument(1, String.class).returning(String.class).staticOnly()
                        .publicOnly())
                .enter(bridge("enter", methodName(), constant(3), nullValue())));
        Object kiln = woven.getConstructor(String.class).newInstance("kiln");

        invoke(woven, null, "mixed", 1L, "a", 2);
        invoke(woven, kiln, "tagged", 1L, "b", 2);
        invoke(woven, kiln, "greet", "c");

        assertThat(RecordingBridge.EVENTS).containsExactly("enter mixed 3 null -> 100");
    }

    @Test
    void filtersMatchOnNamesArgumentsReturnTypeAndModifiers() {
        int pub = Opcodes.ACC_PUBLIC;
        assertThat(named("run", "call").matches(pub, "call", "()V")).isTrue();
        assertThat(named("run").matches(pub, "runs", "()V")).isFalse();
        MethodFilter prefixed = MethodFilter.nameStartsWith("get").orNamed("is");
        assertThat(prefixed.matches(pub, "getName", "()V")).isTrue();
        assertThat(prefixed.matches(pub, "is", "()V")).isTrue();
        assertThat(prefixed.matches(pub, "isOpen", "()V")).isFalse();
        assertThat(named("x").orNameStartsWith("set").matches(pub, "setName", "()V")).isTrue();
        assertThat(named("f").takingArguments(1).matches(pub, "f", "(J)V")).isTrue();
        assertThat(named("f").takingArguments(1).matches(pub, "f", "()V")).isFalse();
        MethodFilter secondIsString = named("f").withArgument(1, String.class);
        assertThat(secondIsString.matches(pub, "f", "(JLjava/lang/String;)V")).isTrue();
        assertThat(secondIsString.matches(pub, "f", "(JLjava/lang/Object;)V")).isFalse();
        assertThat(secondIsString.matches(pub, "f", "(J)V")).isFalse();
        assertThat(named("f").withArgument(0, Object[].class).matches(pub, "f", "([Ljava/lang/Object;)V")).isTrue();
        assertThat(named("f").returning(boolean.class).matches(pub, "f", "()Z")).isTrue();
        assertThat(named("f").returning(boolean.class).matches(pub, "f", "()I")).isFalse();
        assertThat(named("f").staticOnly().matches(pub | Opcodes.ACC_STATIC, "f", "()V")).isTrue();
        assertThat(named("f").staticOnly().matches(pub, "f", "()V")).isFalse();
        assertThat(named("f").instanceOnly().matches(pub, "f", "()V")).isTrue();
        assertThat(named("f").instanceOnly().matches(pub | Opcodes.ACC_STATIC, "f", "()V")).isFalse();
        assertThat(named("f").publicOnly().matches(Opcodes.ACC_PRIVATE, "f", "()V")).isFalse();
        assertThat(named("f").publicOnly().matches(pub | Opcodes.ACC_FINAL, "f", "()V")).isTrue();
    }

    @Test
    void methodsWithoutABodyAndInitialisersAreNeverMatched() {
        MethodFilter any = MethodFilter.any();
        assertThat(any.matches(Opcodes.ACC_PUBLIC, "run", "()V")).isTrue();
        assertThat(any.matches(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "run", "()V")).isFalse();
        assertThat(any.matches(Opcodes.ACC_PUBLIC | Opcodes.ACC_NATIVE, "run", "()V")).isFalse();
        assertThat(any.matches(Opcodes.ACC_PUBLIC, "<init>", "()V")).isFalse();
        assertThat(any.matches(Opcodes.ACC_STATIC, "<clinit>", "()V")).isFalse();
        assertThat(named("<init>").matches(Opcodes.ACC_PUBLIC, "<init>", "()V")).isFalse();
        assertThat(MethodFilter.nameStartsWith("").matches(Opcodes.ACC_PUBLIC | Opcodes.ACC_NATIVE, "n", "()V"))
                .isFalse();
    }

    @Test
    void aClassWithoutAMatchingMethodIsLeftUnchanged() throws Exception {
        LoopguardTransformer nothingMatches = transformer(new Transformations()
                .hook(FIXTURE, Hook.on(named("absent")).enter(bridge("mark", methodName())))
                .hook("com.example.Other", Hook.on(named("crunch")).enter(bridge("mark", methodName()))));

        assertThat(nothingMatches.apply(FIXTURE, getClass().getClassLoader(), fixtureBytes())).isNull();

        ClassReader reader = new ClassReader(fixtureBytes());
        HookWeaver weaver = new HookWeaver(new ClassWriter(reader, ClassWriter.COMPUTE_MAXS),
                List.of(Hook.on(named("absent")).enter(bridge("mark", methodName()))), reader);
        reader.accept(weaver, weaver.readerFlags());
        assertThat(weaver.changed()).isFalse();
    }

    @Test
    void maxLocalsReadFromTheClassFileAgreeWithTheCodeAttributesAsmParses() throws Exception {
        ClassReader reader = new ClassReader(fixtureBytes());
        Map<String, Integer> parsed = new HashMap<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        parsed.put(name + descriptor, maxLocals);
                    }
                };
            }
        }, 0);

        assertThat(parsed).containsKey("crunch(I)D").containsKey("<init>(Ljava/lang/String;)V");
        assertThat(HookWeaver.maxLocals(reader)).isEqualTo(parsed);
    }

    @Test
    void aBridgeMethodThatIsMissingOrHasAnotherArityIsRejected() {
        assertThatThrownBy(() -> BridgeCall.to(RecordingBridge.class, "absent", token()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RecordingBridge.absent");
        assertThatThrownBy(() -> BridgeCall.to(RecordingBridge.class, "exit", token(), token()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RecordingBridge.exit")
                .hasMessageContaining("2 parameters");
        assertThatThrownBy(() -> BridgeCall.to(RecordingBridge.class, "failed", token(), thrown()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first argument");
    }

    @Test
    void anExitTakingATokenNeedsAnEntryThatReturnsOne() {
        Hook voidEntry = Hook.on(named("f")).enter(bridge("mark", methodName()));
        assertThatThrownBy(() -> voidEntry.onExit(EXIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> Hook.on(named("f")).onReturn(EXIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> Hook.on(named("f")).onThrow(bridge("onCompletion", returned(), self())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static BridgeCall bridge(String method, BridgeCall.Arg... args) {
        return BridgeCall.to(RecordingBridge.class, method, args);
    }

    private static Class<?> weave(Hook... hooks) throws Exception {
        byte[] woven = transformer(new Transformations().hook(FIXTURE, hooks))
                .apply(FIXTURE, HookWeaverTest.class.getClassLoader(), fixtureBytes());
        assertThat(woven).isNotNull();
        Class<?> type = new WovenLoader().define(FIXTURE, woven);
        return Class.forName(FIXTURE, true, type.getClassLoader());
    }

    private static LoopguardTransformer transformer(Transformations rules) {
        return new LoopguardTransformer(rules, null, Object.class.getModule(), (what, e) -> {
            throw new AssertionError(what, e);
        });
    }

    private static byte[] fixtureBytes() throws Exception {
        try (InputStream in = WeavingFixture.class.getResourceAsStream("WeavingFixture.class")) {
            return in.readAllBytes();
        }
    }

    private static Object invoke(Class<?> type, Object target, String name, Object... args) throws Throwable {
        Method method = Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow();
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static final class WovenLoader extends ClassLoader {
        WovenLoader() {
            super(HookWeaverTest.class.getClassLoader());
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
