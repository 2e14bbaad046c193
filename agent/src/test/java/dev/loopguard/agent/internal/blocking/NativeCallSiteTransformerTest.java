package dev.loopguard.agent.internal.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class NativeCallSiteTransformerTest {

    /** The release rule stands in for reflection at start-up: it must say what reflection says on this JDK. */
    @Test
    void theReleaseRuleAgreesWithReflectionOnThisJdk() throws Exception {
        boolean sleepNative = Modifier.isNative(Thread.class.getDeclaredMethod("sleep", long.class).getModifiers());
        boolean waitNative = Modifier.isNative(Object.class.getDeclaredMethod("wait", long.class).getModifiers());
        boolean rule = NativeCallSiteTransformer.blockingMethodsNative(Runtime.version().feature());

        assertThat(sleepNative).as("Thread.sleep(long) native").isEqualTo(rule);
        assertThat(waitNative).as("Object.wait(long) native").isEqualTo(rule);
    }

    @Test
    void nativeUpToJdk18Only() {
        assertThat(NativeCallSiteTransformer.blockingMethodsNative(17)).isTrue();
        assertThat(NativeCallSiteTransformer.blockingMethodsNative(18)).isTrue();
        assertThat(NativeCallSiteTransformer.blockingMethodsNative(19)).isFalse();
        assertThat(NativeCallSiteTransformer.blockingMethodsNative(25)).isFalse();
    }
}
