package dev.loopguard.harness;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.core.Durations;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The settings of one test: each {@link Loopguard} attribute resolved on its own, method over class over enclosing
 * class over configuration parameter over default, and parsed, so that a malformed value fails before the test runs.
 */
final class LoopguardConfiguration {

    /** Configuration parameter for {@link Loopguard#failOn()}. */
    static final String FAIL_ON_KEY = "loopguard.junit.failOn";
    /** Configuration parameter for {@link Loopguard#mode()}. */
    static final String MODE_KEY = "loopguard.junit.mode";
    /** Configuration parameter for {@link Loopguard#stallThreshold()}. */
    static final String STALL_THRESHOLD_KEY = "loopguard.junit.stallThreshold";
    /** Configuration parameter for {@link Loopguard#eventLoopThreads()}. */
    static final String EVENT_LOOP_THREADS_KEY = "loopguard.junit.eventLoopThreads";
    /** Configuration parameter for {@link Loopguard#settleTimeout()}. */
    static final String SETTLE_TIMEOUT_KEY = "loopguard.junit.settleTimeout";

    static final String KINDS_FORM = "ALL, or finding kinds separated by commas such as \"BLOCKING_CALL, LOST_TASK\" ("
            + Arrays.stream(FindingKind.values()).map(Enum::name).collect(Collectors.joining(", ")) + ")";
    static final String MODE_FORM = "FAIL, WARN or RECORD";
    static final String PATTERNS_FORM = "thread-name patterns separated by commas, such as \"legacy-io-*, poller-*\"";
    static final String DURATION_FORM = "a positive duration such as 500ms, 2s, 1.5m, 1h, 1d or PT0.5S";

    /** What a test with failing findings gets. */
    enum Mode { FAIL, WARN, RECORD }

    final Set<FindingKind> failOn;
    final Mode mode;
    final Duration settleTimeout;
    final Duration stallThreshold;
    final List<String> eventLoopThreads;
    final List<AllowBlocking> allowances;
    final List<ExpectFinding> expectations;

    private LoopguardConfiguration(Set<FindingKind> failOn, Mode mode, Duration settleTimeout, Duration stallThreshold,
                                   List<String> eventLoopThreads, List<AllowBlocking> allowances,
                                   List<ExpectFinding> expectations) {
        this.eventLoopThreads = eventLoopThreads;
        this.failOn = failOn;
        this.mode = mode;
        this.settleTimeout = settleTimeout;
        this.stallThreshold = stallThreshold;
        this.allowances = allowances;
        this.expectations = expectations;
    }

    static LoopguardConfiguration of(ExtensionContext context) {
        List<AnnotatedElement> elements = elements(context);
        List<AllowBlocking> allowances = new ArrayList<>();
        List<ExpectFinding> expectations = new ArrayList<>();
        for (AnnotatedElement element : elements) {
            allowances.addAll(AnnotationSupport.findRepeatableAnnotations(element, AllowBlocking.class));
            expectations.addAll(AnnotationSupport.findRepeatableAnnotations(element, ExpectFinding.class));
        }
        allowances.forEach(LoopguardConfiguration::validate);
        expectations.forEach(LoopguardConfiguration::validate);
        List<Loopguard> annotations = annotations(elements);
        Set<FindingKind> failOn = resolve(context, annotations, Loopguard::failOn, "failOn", FAIL_ON_KEY, "ALL",
                LoopguardConfiguration::parseKinds, KINDS_FORM);
        Mode mode = resolve(context, annotations, Loopguard::mode, "mode", MODE_KEY, "FAIL",
                LoopguardConfiguration::parseMode, MODE_FORM);
        Duration settle = resolve(context, annotations, Loopguard::settleTimeout, "settleTimeout",
                SETTLE_TIMEOUT_KEY, "500ms", LoopguardConfiguration::parseDuration, DURATION_FORM);
        Duration stall = resolve(context, annotations, Loopguard::stallThreshold, "stallThreshold",
                STALL_THRESHOLD_KEY, "100ms", LoopguardConfiguration::parseDuration, DURATION_FORM);
        List<String> patterns = resolve(context, annotations, Loopguard::eventLoopThreads, "eventLoopThreads",
                EVENT_LOOP_THREADS_KEY, "", LoopguardConfiguration::parsePatterns, PATTERNS_FORM);
        return new LoopguardConfiguration(failOn, mode, settle, stall, patterns, List.copyOf(allowances),
                List.copyOf(expectations));
    }

    /** In precedence order: the test method, its class, then each enclosing class. */
    private static List<AnnotatedElement> elements(ExtensionContext context) {
        List<AnnotatedElement> elements = new ArrayList<>();
        context.getTestMethod().ifPresent(elements::add);
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            elements.add(type);
        }
        return elements;
    }

    /** Whether {@code f} is of a failing kind; a loop stall only from {@link #stallThreshold} on. */
    boolean fails(Finding f) {
        if (!failOn.contains(f.kind())) {
            return false;
        }
        return f.kind() != FindingKind.LOOP_STALL || !f.durationMillis().isPresent()
                || f.durationMillis().getAsLong() >= stallThreshold.toMillis();
    }

    private static void validate(AllowBlocking allow) {
        String what = "@AllowBlocking(type = " + allow.type().getName() + ".class, method = \"" + allow.method()
                + "\", reason = \"" + allow.reason() + "\")";
        if (allow.reason().isBlank()) {
            throw new ExtensionConfigurationException(what + " has no reason; expected a sentence saying why "
                    + "blocking there is acceptable.");
        }
        if (!allow.method().equals("*")
                && Arrays.stream(allow.type().getDeclaredMethods()).noneMatch(m -> m.getName().equals(allow.method()))) {
            throw new ExtensionConfigurationException(what + ": " + allow.type().getName() + " declares no method '"
                    + allow.method() + "'; expected the name of a method it declares (a lambda counts as the method "
                    + "that wrote it), or \"*\" for all of them.");
        }
    }

    private static void validate(ExpectFinding expect) {
        if (expect.atLeast() < 0 || expect.atMost() < expect.atLeast()) {
            throw new ExtensionConfigurationException("@ExpectFinding(" + expect.value() + ", atLeast = "
                    + expect.atLeast() + ", atMost = " + expect.atMost() + ") is malformed; expected 0 <= atLeast <= "
                    + "atMost.");
        }
    }

    private static List<Loopguard> annotations(List<AnnotatedElement> elements) {
        List<Loopguard> found = new ArrayList<>();
        for (AnnotatedElement element : elements) {
            AnnotationSupport.findAnnotation(element, Loopguard.class).ifPresent(found::add);
        }
        return found;
    }

    private static <T> T resolve(ExtensionContext context, List<Loopguard> annotations,
                                 Function<Loopguard, String> attribute, String name, String key, String fallback,
                                 Function<String, T> parser, String form) {
        for (Loopguard annotation : annotations) {
            String value = attribute.apply(annotation);
            if (!value.isEmpty()) {
                return parse(parser, value, "@Loopguard(" + name + " = \"" + value + "\")", form);
            }
        }
        Optional<String> parameter = context.getConfigurationParameter(key);
        if (parameter.isPresent()) {
            return parse(parser, parameter.get(), "configuration parameter " + key + "=" + parameter.get(), form);
        }
        return parser.apply(fallback);
    }

    private static <T> T parse(Function<String, T> parser, String value, String what, String form) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new ExtensionConfigurationException(what + " is malformed (" + e.getMessage() + "); expected "
                    + form + ".", e);
        }
    }

    static Set<FindingKind> parseKinds(String value) {
        String trimmed = value.trim();
        if (trimmed.equalsIgnoreCase("ALL")) {
            return EnumSet.allOf(FindingKind.class);
        }
        Set<FindingKind> kinds = EnumSet.noneOf(FindingKind.class);
        for (String item : trimmed.split(",", -1)) {
            String kind = item.trim();
            try {
                kinds.add(FindingKind.valueOf(kind.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + kind + "' is not a finding kind", e);
            }
        }
        return kinds;
    }

    static List<String> parsePatterns(String value) {
        List<String> patterns = new ArrayList<>();
        if (value.isBlank()) {
            return patterns;
        }
        for (String item : value.split(",", -1)) {
            String pattern = item.trim();
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("an empty pattern");
            }
            patterns.add(pattern);
        }
        return List.copyOf(patterns);
    }

    static Mode parseMode(String value) {
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value.trim() + "' is not a mode", e);
        }
    }

    /** The toolkit's one duration syntax ({@link Durations#parse}), positive; surrounding blanks are ignored. */
    static Duration parseDuration(String value) {
        String v = value.trim();
        Duration d;
        try {
            d = Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + v + "' is not a duration", e);
        }
        if (d.isZero()) {
            throw new IllegalArgumentException("'" + v + "' is not positive");
        }
        return d;
    }
}
