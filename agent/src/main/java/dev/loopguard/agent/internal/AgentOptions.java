package dev.loopguard.agent.internal;

import dev.loopguard.agent.FindingKind;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agent's options, parsed and validated. Immutable.
 *
 * <p>Form: {@code key=value} pairs separated by {@code ,}; list values separate items with {@code ;}. Each option may
 * also be the system property {@code loopguard.<key>}; the agent argument wins. Any malformed option is an
 * {@link IllegalArgumentException} whose message names the option, the value and the accepted form.
 */
public final class AgentOptions {

    /** What the agent does at a blocking call on an event-loop thread. */
    public enum Mode { REPORT, THROW }

    /** How much task and future tracking the agent does. */
    public enum Tasks { OFF, SAMPLED, FULL }

    /** Which discarded futures are findings. */
    public enum IgnoredFutures { DEFAULT, STRICT }

    /** {@code com.acme.Repo#save}: a method named by class and method name ({@code *} for every method). */
    public static final class MethodRef {
        private final String className;
        private final String methodName;

        MethodRef(String className, String methodName) {
            this.className = className;
            this.methodName = methodName;
        }

        public String className() { return className; }

        public String methodName() { return methodName; }

        public boolean matches(String frameClass, String frameMethod) {
            return className.equals(frameClass) && ("*".equals(methodName) || methodName.equals(frameMethod));
        }

        @Override
        public String toString() { return className + "#" + methodName; }
    }

    public static final String PROPERTY_PREFIX = "loopguard.";
    static final List<String> KEYS = List.of("report", "eventLoopThreads", "allow", "packages", "stallThreshold",
            "failOn", "mode", "tasks", "ignoredFutures", "controllers", "fireAndForget");
    /**
     * {@code loopguard.*} system properties that are not agent options but settings of the toolkit's own tools (the
     * benchmark runners' agent jar). Properties in a nested namespace ({@code loopguard.bench.forks},
     * {@code loopguard.it.workDir}) belong to those tools too; any other {@code loopguard.<name>} must be an option,
     * so a typo such as {@code loopguard.stalThreshold} is an error rather than silently ignored.
     */
    static final List<String> TOOL_PROPERTIES = List.of("agentJar");

    /**
     * The form of an option's items. Each pattern is compiled on first use: default options use none of them, and
     * compiling one loads about 30 regex classes and spins lambdas while the JVM starts.
     */
    private enum Syntax {
        ANY(null),
        CLASS_NAME("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}]"
                + "[\\p{javaJavaIdentifierPart}]*)*(\\$[\\p{javaJavaIdentifierPart}]+)*"),
        METHOD_NAME("\\*|[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"),
        PACKAGE_PREFIX("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}]"
                + "[\\p{javaJavaIdentifierPart}]*)*\\.?");

        private final String regex;
        private Pattern pattern;

        Syntax(String regex) {
            this.regex = regex;
        }

        synchronized boolean matches(String text) {
            if (regex == null) {
                return true;
            }
            if (pattern == null) {
                pattern = Pattern.compile(regex);
            }
            return pattern.matcher(text).matches();
        }
    }

    private final Path report;
    private final List<String> eventLoopThreads;
    private final List<MethodRef> allow;
    private final List<String> packages;
    private final Duration stallThreshold;
    private final Set<FindingKind> failOn;
    private final Mode mode;
    private final Tasks tasks;
    private final IgnoredFutures ignoredFutures;
    private final List<String> controllers;
    private final List<MethodRef> fireAndForget;
    private final Map<String, String> given;

    private AgentOptions(Map<String, String> values) {
        this.given = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        String report = values.getOrDefault("report", "loopguard-report.json");
        // ProcessHandle's class initialisation is start-up cost: only a path that has a placeholder pays it.
        this.report = path("report", report.indexOf('%') < 0 ? report
                : expandReportPlaceholders(report, ProcessHandle.current().pid()));
        this.eventLoopThreads = list(values, "eventLoopThreads", "a thread-name pattern such as 'worker-*'",
                Syntax.ANY);
        this.allow = methodRefs(values, "allow");
        this.packages = list(values, "packages", "a package prefix such as 'com.acme'",
                Syntax.PACKAGE_PREFIX);
        this.stallThreshold = duration(values.getOrDefault("stallThreshold", "100ms"));
        this.failOn = kinds(values.get("failOn"));
        this.mode = choice(Mode.class, "mode", values.getOrDefault("mode", "report"), "report|throw");
        this.tasks = choice(Tasks.class, "tasks", values.getOrDefault("tasks", "sampled"), "off|sampled|full");
        this.ignoredFutures = choice(IgnoredFutures.class, "ignoredFutures",
                values.getOrDefault("ignoredFutures", "default"), "default|strict");
        this.controllers = list(values, "controllers", "a fully qualified class name such as 'com.acme.PumpController'",
                Syntax.CLASS_NAME);
        this.fireAndForget = methodRefs(values, "fireAndForget");
    }

    /** Options with every default. */
    public static AgentOptions defaults() {
        return new AgentOptions(Map.of());
    }

    /**
     * Parses the agent argument (may be null or empty) over the {@code loopguard.*} system properties.
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted form
     */
    public static AgentOptions parse(String agentArgument, Properties systemProperties) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (!name.startsWith(PROPERTY_PREFIX)) {
                continue;
            }
            String key = name.substring(PROPERTY_PREFIX.length());
            if (KEYS.contains(key)) {
                values.put(key, systemProperties.getProperty(name).trim());
            } else if (key.indexOf('.') < 0 && !TOOL_PROPERTIES.contains(key)) {
                throw new IllegalArgumentException("unknown system property " + name + " (value '"
                        + systemProperties.getProperty(name) + "')" + suggestion(PROPERTY_PREFIX, key)
                        + ": agent options as system properties are " + PROPERTY_PREFIX + "<option>, with <option> one of "
                        + String.join(", ", KEYS));
            }
        }
        values.putAll(parseArgument(agentArgument));
        return new AgentOptions(values);
    }

    static Map<String, String> parseArgument(String argument) {
        Map<String, String> values = new LinkedHashMap<>();
        if (argument == null || argument.isBlank()) {
            return values;
        }
        for (String pair : argument.split(",", -1)) {
            if (pair.isBlank()) {
                throw new IllegalArgumentException("the agent argument '" + argument + "' has an empty option (a"
                        + " leading, trailing or doubled ','): expected key=value pairs separated by ',' (for example"
                        + " report=out.json,mode=throw)");
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("agent option '" + pair
                        + "' is malformed: expected key=value pairs separated by ',' (for example report=out.json,mode=throw)");
            }
            String key = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown agent option '" + key + "' (value '" + value + "')"
                        + suggestion("", key) + ": expected one of " + String.join(", ", KEYS));
            }
            if (values.containsKey(key)) {
                throw new IllegalArgumentException("agent option " + key + " is given twice ('"
                        + values.get(key) + "' and '" + value + "'): give it once, with list items separated by ';'");
            }
            values.put(key, value);
        }
        return values;
    }

    /** {@code ", did you mean stallThreshold?"} when a known option is a small typo away, else "". */
    static String suggestion(String prefix, String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : KEYS) {
            int d = editDistance(key.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 4) ? ", did you mean " + prefix + best + "?" : "";
    }

    /** Levenshtein distance; options are short, so the quadratic table is nothing. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitute, Math.min(previous[j], row[j - 1]) + 1);
            }
            int[] t = previous;
            previous = row;
            row = t;
        }
        return previous[b.length()];
    }

    /**
     * Replaces {@code %p} with the process id and {@code %%} with {@code %}, so that JVMs started with one option
     * string (the forks of a test run) each write their own report. Any other {@code %} is an error: a file name
     * with a stray {@code %} more likely means a mistyped placeholder than a wish for that character.
     */
    static String expandReportPlaceholders(String value, long pid) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        StringBuilder expanded = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                expanded.append(c);
                continue;
            }
            char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
            if (next == 'p') {
                expanded.append(pid);
            } else if (next == '%') {
                expanded.append('%');
            } else {
                throw new IllegalArgumentException("report '" + value + "' has an unknown placeholder '"
                        + (next == 0 ? "%" : "%" + next) + "' at position " + i + ": expected %p (the process id,"
                        + " for example target/loopguard/report-%p.json) or %% for a literal %");
            }
            i++;
        }
        return expanded.toString();
    }

    private static Path path(String key, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(key + " must be a file path such as build/loopguard.json, was ''");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + " must be a file path such as build/loopguard.json, was '"
                    + value + "' (" + e.getReason() + ")", e);
        }
    }

    private static List<String> items(String key, String value, String form) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(";", -1)) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException(key + " has an empty item in '" + value
                        + "': expected items separated by ';', each " + form);
            }
            items.add(trimmed);
        }
        return items;
    }

    private static List<String> list(Map<String, String> values, String key, String form, Syntax syntax) {
        String value = values.get(key);
        if (value == null) {
            return List.of();
        }
        List<String> items = items(key, value, form);
        for (String item : items) {
            if (!syntax.matches(item)) {
                throw new IllegalArgumentException(key + " item '" + item + "' is malformed: expected "
                        + form + " (items separated by ';')");
            }
        }
        return List.copyOf(items);
    }

    private static List<MethodRef> methodRefs(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null) {
            return List.of();
        }
        String form = "CLASS#METHOD such as 'com.acme.Cache#load' (METHOD may be '*')";
        List<MethodRef> refs = new ArrayList<>();
        for (String item : items(key, value, form)) {
            int hash = item.indexOf('#');
            String cls = hash < 0 ? item : item.substring(0, hash);
            String method = hash < 0 ? "" : item.substring(hash + 1);
            if (hash < 0 || !Syntax.CLASS_NAME.matches(cls) || !Syntax.METHOD_NAME.matches(method)) {
                throw new IllegalArgumentException(key + " item '" + item + "' is malformed: expected "
                        + form + ", items separated by ';'");
            }
            refs.add(new MethodRef(cls, method));
        }
        return List.copyOf(refs);
    }

    static Duration duration(String value) {
        Duration d = DurationSyntax.parse("stallThreshold", value);
        if (d.isZero()) {
            throw new IllegalArgumentException("stallThreshold must be greater than 0, was '" + value + "'");
        }
        return d;
    }

    private static Set<FindingKind> kinds(String value) {
        if (value == null) {
            return Set.of();
        }
        StringBuilder accepted = new StringBuilder();
        for (FindingKind k : FindingKind.values()) {
            accepted.append(accepted.length() == 0 ? "" : ", ").append(k.name());
        }
        EnumSet<FindingKind> kinds = EnumSet.noneOf(FindingKind.class);
        for (String item : items("failOn", value, "a finding kind")) {
            try {
                kinds.add(FindingKind.valueOf(item));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("failOn item '" + item + "' is not a finding kind: expected "
                        + accepted + " separated by ';'", e);
            }
        }
        return Collections.unmodifiableSet(kinds);
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String key, String value, String form) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + " must be " + form + ", was '" + value + "'");
    }

    public Path report() { return report; }

    public List<String> eventLoopThreads() { return eventLoopThreads; }

    public List<MethodRef> allow() { return allow; }

    public List<String> packages() { return packages; }

    public Duration stallThreshold() { return stallThreshold; }

    public Set<FindingKind> failOn() { return failOn; }

    public Mode mode() { return mode; }

    public Tasks tasks() { return tasks; }

    public IgnoredFutures ignoredFutures() { return ignoredFutures; }

    public List<String> controllers() { return controllers; }

    public List<MethodRef> fireAndForget() { return fireAndForget; }

    /** Every option with its effective value, for the report's {@code options} object. */
    public Map<String, Object> effective() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("report", report.toString());
        m.put("eventLoopThreads", eventLoopThreads);
        m.put("allow", strings(allow));
        m.put("packages", packages);
        m.put("stallThreshold", given.getOrDefault("stallThreshold", "100ms"));
        List<String> kinds = new ArrayList<>();
        for (FindingKind kind : failOn) {
            kinds.add(kind.name());
        }
        m.put("failOn", kinds);
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        m.put("tasks", tasks.name().toLowerCase(Locale.ROOT));
        m.put("ignoredFutures", ignoredFutures.name().toLowerCase(Locale.ROOT));
        m.put("controllers", controllers);
        m.put("fireAndForget", strings(fireAndForget));
        return m;
    }

    private static List<String> strings(List<MethodRef> refs) {
        List<String> out = new ArrayList<>();
        for (MethodRef ref : refs) {
            out.add(ref.toString());
        }
        return out;
    }
}
