package dev.loopguard.agent.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadClassifierTest {

    interface NonBlockingLike extends reactor.core.scheduler.NonBlocking {
    }

    static final class ReactorStyleThread extends Thread implements NonBlockingLike {
    }

    @Test
    void globsMatchWholeThreadNamesWithStars() {
        assertThat(ThreadClassifier.Glob.matches("io-*", "io-1")).isTrue();
        assertThat(ThreadClassifier.Glob.matches("io-*", "io-")).isTrue();
        assertThat(ThreadClassifier.Glob.matches("*-loop-*", "my-loop-3")).isTrue();
        assertThat(ThreadClassifier.Glob.matches("io-*", "xio-1")).isFalse();
        assertThat(ThreadClassifier.Glob.matches("loop", "loop-1")).isFalse();
        assertThat(ThreadClassifier.Glob.matches("*", "")).isTrue();
    }

    @Test
    void threadsImplementingAKnownLoopInterfaceAreEventLoopsEvenThroughSubInterfaces() {
        ThreadClassifier threads = new ThreadClassifier(List.of());
        assertThat(threads.isEventLoopThread(new ReactorStyleThread())).isTrue();
        assertThat(threads.isEventLoopThread(new Thread("plain"))).isFalse();
    }

    @Test
    void namePatternsMakeThreadsEventLoops() {
        ThreadClassifier threads = new ThreadClassifier(List.of("custom-*"));
        assertThat(threads.isEventLoopThread(new Thread("custom-7"))).isTrue();
        assertThat(threads.isEventLoopThread(new Thread("other-7"))).isFalse();
        assertThat(threads.isCurrentThreadEventLoop()).isFalse();
    }

    @Test
    void literalAddressesNeedNoLookup() {
        assertThat(BlockingCallDetector.isLiteralAddress("127.0.0.1")).isTrue();
        assertThat(BlockingCallDetector.isLiteralAddress("::1")).isTrue();
        assertThat(BlockingCallDetector.isLiteralAddress("[fe80::1]")).isTrue();
        assertThat(BlockingCallDetector.isLiteralAddress("")).isTrue();
        assertThat(BlockingCallDetector.isLiteralAddress("localhost")).isFalse();
        assertThat(BlockingCallDetector.isLiteralAddress("example.com")).isFalse();
    }
}
