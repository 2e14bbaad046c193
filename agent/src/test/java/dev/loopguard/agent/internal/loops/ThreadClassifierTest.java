package dev.loopguard.agent.internal.loops;

import dev.loopguard.agent.internal.blocking.BlockingCallDetector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
        assertThat(ThreadClassifier.Glob.matches("a*a", "a")).isFalse();
        assertThat(ThreadClassifier.Glob.matches("*ab*ab", "xabyab")).isTrue();
        assertThat(ThreadClassifier.Glob.matches("*ab*ab", "xabyabz")).isFalse();
        assertThat(ThreadClassifier.Glob.matches("io-**-x", "io--x")).isTrue();
    }

    @Test
    void aPatternWithManyStarsIsMatchedWithoutBacktracking() {
        String forty = "a".repeat(40);
        // A backtracking matcher tries every split of the name between the stars: 2^40 steps here, which never
        // ends. The bound only turns such a hang into a failure; the matcher takes microseconds.
        boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> ThreadClassifier.Glob.matches("*a*a*a*a*a*a*a*a*a*a*a*a*b", forty));
        assertThat(matched).isFalse();
        assertThat(ThreadClassifier.Glob.matches("*a*a*a*a*a*a*a*a*a*a*a*a*", forty)).isTrue();
    }

    @Test
    void globsAgreeWithARegularExpressionOnEveryShortPatternAndName() {
        Random random = new Random(23);
        for (int i = 0; i < 20_000; i++) {
            String pattern = randomString(random, "ab*", 6);
            String name = randomString(random, "ab", 7);
            boolean expected = Pattern.matches(pattern.replace("*", ".*"), name);
            assertThat(ThreadClassifier.Glob.matches(pattern, name)).as("'%s' against '%s'", pattern, name)
                    .isEqualTo(expected);
        }
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
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
