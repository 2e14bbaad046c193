package dev.loopguard.agent.internal.futures;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.ProtectionDomain;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A field the agent adds to {@code CompletableFuture} when it is loaded, in which a tracked future holds its
 * {@link TrackedFuture} record. Without it, every question "is this future tracked?" (asked at every completion and
 * every stage at {@code tasks=full}) needs the future's identity hash, which for a fresh object is a call into the VM
 * that installs one in its header: three per future on a short chain, and the largest single cost of full tracking.
 * With it, the question is one field read, and a future that was never tracked is never hashed at all.
 *
 * <p>A field can only be added while a class is first loaded, never by retransformation. {@code CompletableFuture}
 * is not loaded before an agent's {@code premain} on JDK 17 to 25, nor by the agent's own start-up, so
 * {@link #reserve} runs just before the agent's weaving transformer is installed and registers a transformer that
 * adds the field when the class loads, whenever that is: a program that never uses a future never loads the class,
 * nor parses it. The transformer is registered as not retransformable, which makes the JVM run it before the weaving
 * transformer and keep its output as the base of every later retransformation: the hooks, woven into the class as it
 * loads, see the field in the bytes they weave, and keep it. It stays registered, a name check per class the boot
 * loader defines, until {@link #release} when tracking starts. When the class was loaded earlier (the agent attached
 * to a running JVM, or another agent loaded it first), there is no field and tracking falls back to a table keyed by
 * identity hash ({@link FutureTable}): the same findings, at a higher cost.
 *
 * <p>The field costs no memory with compressed class pointers and oops (the default below 32 GB of heap): a
 * {@code CompletableFuture} is 20 bytes of header and fields, padded to 24, and the field takes four of the padding
 * bytes. With {@code -XX:+UseCompactObjectHeaders} or without compressed oops it adds 8 bytes per future.
 */
public final class RecordField {

    static final String NAME = "loopguard$record";
    private static final String CF_INTERNAL = "java/util/concurrent/CompletableFuture";

    private RecordField() {
    }

    /** The transformer {@link #reserve} registered, until {@link #release} removes it. */
    private static volatile ClassFileTransformer reserved;

    /**
     * Registers the transformer that adds the field when {@code CompletableFuture} loads. Call before anything loads
     * the class and before the weaving transformer is registered; {@link #release} removes it again.
     */
    public static synchronized void reserve(Instrumentation instrumentation) {
        if (reserved == null) {
            ClassFileTransformer adder = new FieldAdder();
            instrumentation.addTransformer(adder, false);
            reserved = adder;
        }
    }

    /**
     * Removes the transformer {@link #reserve} registered, if any: it has nothing left to do once the class is in.
     * Call only once {@code CompletableFuture} is loaded (or the field is no longer wanted).
     */
    static synchronized void release(Instrumentation instrumentation) {
        ClassFileTransformer adder = reserved;
        reserved = null;
        if (adder != null) {
            instrumentation.removeTransformer(adder);
        }
    }

    /** Whether this JVM's {@code CompletableFuture} has the field; loads the class. */
    static boolean present() {
        return Handle.RECORD != null;
    }

    /** The record the future holds; null for a future never tracked, or forgotten. */
    static TrackedFuture get(CompletableFuture<?> future) {
        return (TrackedFuture) Handle.RECORD.getAcquire(future);
    }

    static void set(CompletableFuture<?> future, TrackedFuture record) {
        Handle.RECORD.setRelease(future, record);
    }

    /**
     * In a static final for the JIT to inline every access (see {@code FutureInternals.Handles}); null when the
     * class has no field. Initialised only after {@code FutureInternals.open} opened the package.
     */
    private static final class Handle {
        static final VarHandle RECORD = find();

        private static VarHandle find() {
            try {
                return MethodHandles.privateLookupIn(CompletableFuture.class, MethodHandles.lookup())
                        .findVarHandle(CompletableFuture.class, NAME, Object.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // no field (loaded before the agent): FutureTracker uses the hashed table
            }
        }
    }

    private static final class FieldAdder implements ClassFileTransformer {
        private volatile boolean added;

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain domain, byte[] bytes) {
            if (loader != null || redefined != null || added || !CF_INTERNAL.equals(className)) {
                return null;
            }
            added = true; // the class loads once: every later call is another class
            try {
                ClassReader reader = new ClassReader(bytes);
                ClassWriter writer = new ClassWriter(reader, 0);
                reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public void visitEnd() {
                        // Synthetic and transient: reflection-based tools that skip either leave it alone.
                        super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_TRANSIENT, NAME,
                                "Ljava/lang/Object;", null, null).visitEnd();
                        super.visitEnd();
                    }
                }, 0);
                return writer.toByteArray();
            } catch (Throwable e) {
                return null; // the class loads unchanged and tracking uses the table keyed by identity hash
            }
        }
    }
}
