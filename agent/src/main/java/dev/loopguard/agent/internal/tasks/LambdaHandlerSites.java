package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.bootstrap.TaskBridge;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Marks where application code creates a {@code RejectedExecutionHandler} from a lambda or method reference: right
 * after the {@code invokedynamic}, the new handler and the name of the method behind it go to
 * {@link TaskBridge#lambdaHandler}, so that the handler's hidden class can be judged by that method's code. Adds
 * nothing anywhere else; the call runs once per handler created, which programs do rarely.
 */
public final class LambdaHandlerSites extends MethodVisitor {
    private static final String HANDLER_TYPE = "Ljava/util/concurrent/RejectedExecutionHandler;";
    private static final String LAMBDA_FACTORY = "java/lang/invoke/LambdaMetafactory";

    public LambdaHandlerSites(MethodVisitor next) {
        super(Opcodes.ASM9, next);
    }

    /** How a method behind a lambda is named in the verdict table: never a class name (it has a '#'). */
    public static String key(String className, String name, String descriptor) {
        return className + '#' + name + descriptor;
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrapMethodHandle,
                                       Object... bootstrapMethodArguments) {
        super.visitInvokeDynamicInsn(name, descriptor, bootstrapMethodHandle, bootstrapMethodArguments);
        if (descriptor.endsWith(")" + HANDLER_TYPE) && LAMBDA_FACTORY.equals(bootstrapMethodHandle.getOwner())
                && bootstrapMethodArguments.length > 1 && bootstrapMethodArguments[1] instanceof Handle) {
            Handle implementation = (Handle) bootstrapMethodArguments[1];
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(key(implementation.getOwner().replace('/', '.'), implementation.getName(),
                    implementation.getDesc()));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(TaskBridge.class), "lambdaHandler",
                    "(Ljava/lang/Object;Ljava/lang/String;)V", false);
        }
    }
}
