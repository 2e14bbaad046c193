package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.internal.weaving.MethodFilter;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The marks woven into an application class as it loads: where they go, their ids, and that the class still runs. */
class KnownCallSitesTest {
    private static final String FIXTURE = Fixture.class.getName().replace('.', '/');

    /** Calls of watched and unwatched methods; each method's calls are on lines of their own. */
    static final class Fixture {
        static int read(FileInputStream in) throws IOException {
            return in.read();
        }

        static int twoOnOneLine(FileInputStream in) throws IOException {
            return in.read() + in.read();
        }

        static int readInto(InputStream in, byte[] buffer) throws IOException {
            int total = 0;
            for (int i = 0; i < 3; i++) {
                total += in.read(buffer, 0, buffer.length);
            }
            return total;
        }

        static long skip(FileInputStream in, long n) throws IOException {
            return in.skip(n) + n;
        }

        static void sleep() throws InterruptedException {
            Thread.sleep(0);
        }

        static int unwatched(List<?> list) {
            return list.size();
        }
    }

    private static KnownCallSites.Watched watched() {
        KnownCallSites sites = new KnownCallSites(null, null);
        sites.hooked("java/io/FileInputStream", Opcodes.ACC_PUBLIC, "read", "()I");
        sites.hooked("java/io/FileInputStream", Opcodes.ACC_PUBLIC, "read", "([BII)I");
        sites.hooked("java/io/FileInputStream", Opcodes.ACC_PUBLIC, "skip", "(J)J");
        // Static methods are known by their hooks' filters on the class named at the call, not as they are woven.
        sites.hooked("java/lang/Thread", Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "sleep", "(J)V");
        assertThat(sites.watched().isStatic("java/lang/Thread", "sleep", "(J)V")).isFalse();
        return sites.watched().withStatics(Map.of("java/lang/Thread", List.of(MethodFilter.named("sleep", "join"))));
    }

    private static byte[] fixtureBytes() throws IOException {
        try (InputStream in = KnownCallSitesTest.class.getResourceAsStream("/" + FIXTURE + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Each mark as method:line=id, in order. */
    private static List<String> marks(byte[] woven) {
        List<String> marks = new ArrayList<>();
        new ClassReader(woven).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    int line;
                    int pushed;

                    @Override
                    public void visitLineNumber(int line, Label start) {
                        this.line = line;
                    }

                    @Override
                    public void visitIntInsn(int opcode, int operand) {
                        pushed = operand;
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        pushed = value instanceof Integer ? (Integer) value : -1;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (method.equals("knownSite") && owner.endsWith("/Bridge")) {
                            marks.add(name + ":" + line + "=" + pushed);
                        }
                    }
                };
            }
        }, 0);
        return marks;
    }

    private static String id(String mark) {
        return mark.substring(mark.indexOf('=') + 1);
    }

    @Test
    void marksEveryCallOfAWatchedMethodAndNoOtherWithOneIdPerPlace() throws Exception {
        KnownCallSites.PlaceIds ids = new KnownCallSites.PlaceIds(100);
        List<String> marks = marks(KnownCallSites.weave(new ClassReader(fixtureBytes()), FIXTURE, 7, watched(), ids));
        List<String> methods = new ArrayList<>();
        for (String mark : marks) {
            methods.add(mark.substring(0, mark.indexOf(':')));
        }
        assertThat(methods).containsExactlyInAnyOrder("read", "twoOnOneLine", "twoOnOneLine", "readInto", "skip",
                "sleep");
        List<String> twoOnOneLine = new ArrayList<>();
        List<String> distinct = new ArrayList<>();
        for (String mark : marks) {
            if (mark.startsWith("twoOnOneLine:")) {
                twoOnOneLine.add(id(mark));
            }
            if (!distinct.contains(id(mark))) {
                distinct.add(id(mark));
            }
        }
        assertThat(twoOnOneLine).as("two calls on one line share their place's id").hasSize(2)
                .containsOnly(twoOnOneLine.get(0));
        assertThat(distinct).as("one id per place").hasSize(5);
        assertThat(ids.size()).isEqualTo(5);
    }

    @Test
    void aClassWovenAgainGetsTheSameIdsAndAnotherLoadersCopyOthers() throws Exception {
        KnownCallSites.PlaceIds ids = new KnownCallSites.PlaceIds(100);
        KnownCallSites.Watched watched = watched();
        List<String> first = marks(KnownCallSites.weave(new ClassReader(fixtureBytes()), FIXTURE, 7, watched, ids));
        List<String> again = marks(KnownCallSites.weave(new ClassReader(fixtureBytes()), FIXTURE, 7, watched, ids));
        List<String> otherLoader = marks(KnownCallSites.weave(new ClassReader(fixtureBytes()), FIXTURE, 8, watched,
                ids));
        assertThat(again).isEqualTo(first);
        for (String mark : otherLoader) {
            assertThat(first).noneMatch(m -> id(m).equals(id(mark)));
        }
    }

    @Test
    void placesPastTheBoundStayUnmarked() throws Exception {
        KnownCallSites.PlaceIds ids = new KnownCallSites.PlaceIds(2);
        List<String> marks = marks(KnownCallSites.weave(new ClassReader(fixtureBytes()), FIXTURE, 7, watched(), ids));
        List<String> distinct = new ArrayList<>();
        for (String mark : marks) {
            if (!distinct.contains(id(mark))) {
                distinct.add(id(mark));
            }
        }
        assertThat(distinct).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void theWovenClassVerifiesAndBehavesAsBefore() throws Exception {
        byte[] woven = KnownCallSites.weave(new ClassReader(fixtureBytes()), FIXTURE, 7, watched(),
                new KnownCallSites.PlaceIds(100));
        Class<?> type = new ClassLoader(KnownCallSitesTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(Fixture.class.getName(), woven, 0, woven.length);
            }
        }.define();
        assertThat(type).isNotSameAs(Fixture.class);
        try (FileInputStream zero = new FileInputStream("/dev/zero")) {
            assertThat(invoke(type, "read", zero)).isEqualTo(0);
            assertThat(invoke(type, "twoOnOneLine", zero)).isEqualTo(0);
            assertThat(invoke(type, "readInto", zero, new byte[4])).isEqualTo(12);
            assertThat(invoke(type, "skip", zero, 5L)).isEqualTo(Fixture.skip(zero, 5L));
            assertThat(invoke(type, "unwatched", List.of(1, 2))).isEqualTo(2);
        }
        invoke(type, "sleep");
    }

    private static Object invoke(Class<?> type, String name, Object... args) throws Exception {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                m.setAccessible(true);
                return m.invoke(null, args);
            }
        }
        throw new AssertionError("no method " + name);
    }

    @Test
    void aClassThatNamesNoWatchedMethodIsSkippedWithoutReadingItsCode() throws Exception {
        KnownCallSites.Watched watched = watched();
        assertThat(watched.mayBeCalledBy(new ClassReader(fixtureBytes()))).isTrue();
        try (InputStream in = KnownCallSitesTest.class.getResourceAsStream("/java/util/ArrayList.class")) {
            assertThat(watched.mayBeCalledBy(new ClassReader(in.readAllBytes()))).isFalse();
        }
        try (InputStream in = KnownCallSitesTest.class.getResourceAsStream("/java/lang/ThreadLocal.class")) {
            assertThat(watched.mayBeCalledBy(new ClassReader(in.readAllBytes())))
                    .as("names the class Thread, which has watched static methods").isTrue();
        }
    }
}
