package dev.loopguard.reports;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Loopguard agent report, read from the JSON file the agent writes and checked against the published schema
 * ({@code docs/schema/loopguard-report.schema.json}) before anything is rendered from it.
 *
 * <p>The schema, not the agent's classes, is the contract: a report from any agent version that honours it can be
 * read, and a file that does not is rejected with every problem listed by location.
 *
 * @param version the agent version that wrote the report
 * @param jvmVersion the version of the JVM the agent watched
 * @param jvmVendor its vendor
 * @param startedAt when the agent started
 * @param finishedAt when the report was written
 * @param options every agent option with its effective value
 * @param findings the findings, as the agent merged them (one per kind and site)
 * @param profile sections added by detectors, such as controller profiles, as plain maps and lists
 * @param agentErrors detectors that failed internally and were turned off, as {@code detector: error}
 * @param extensions optional top-level fields that a newer schema allows and this reader does not model (for example
 *     counts of what the agent dropped to stay bounded), by name, as plain maps, lists and values
 */
public record FindingsReport(String version, String jvmVersion, String jvmVendor, Instant startedAt,
                             Instant finishedAt, Map<String, Object> options, List<ReportFinding> findings,
                             Map<String, Object> profile, List<String> agentErrors,
                             Map<String, Object> extensions) {

    private static final Set<String> KNOWN_FIELDS = Set.of("tool", "version", "jvm", "startedAt", "finishedAt",
            "options", "findings", "profile", "agentErrors");
    private static final int MAX_PROBLEMS_SHOWN = 20;
    private static final JsonSchema SCHEMA = loadSchema();
    private static final JsonSchema FINDING_SCHEMA =
            SCHEMA.getSubSchema(new JsonNodePath(PathType.JSON_POINTER).append("$defs").append("finding"));

    public FindingsReport {
        Objects.requireNonNull(version, "version");
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
        findings = List.copyOf(Objects.requireNonNull(findings, "findings"));
        profile = Map.copyOf(Objects.requireNonNull(profile, "profile"));
        agentErrors = List.copyOf(Objects.requireNonNull(agentErrors, "agentErrors"));
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(extensions, "extensions")));
    }

    /**
     * Reads and validates the report at {@code file}.
     *
     * @throws InvalidReportException if the file cannot be read, is not JSON (or has anything after its one JSON
     *     value), does not match the schema, or holds a timestamp or count the schema's types cannot check
     */
    public static FindingsReport read(Path file) {
        return read(file, SCHEMA);
    }

    /** Reads with another schema: tests use it to read fields that a later schema version adds. */
    static FindingsReport read(Path file, JsonSchema schema) {
        Objects.requireNonNull(file, "file");
        String what = "findings report";
        String hint = "check the agent's report=PATH option and that the JVM exited normally";
        byte[] bytes = JsonInput.bytes(file, what, hint);
        Converter converter = new Converter();
        List<ReportFinding> findings = new ArrayList<>();
        Set<String> problems = new TreeSet<>();
        ObjectNode top;
        // The findings are read, checked and converted one at a time, each against the schema's finding definition,
        // and the rest of the document against the whole schema: a whole-file tree of 5,000 findings lived through
        // several collections and cost more than the parsing.
        try (JsonParser parser = JsonInput.PIECEWISE.createParser(bytes)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw JsonInput.empty(file, what, hint);
            }
            if (token != JsonToken.START_OBJECT) {
                top = null;
                problems.addAll(messages("", schema.validate(JsonInput.read(file, what, hint))));
            } else {
                top = JsonInput.STRICT.createObjectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    if (parser.nextToken() == JsonToken.START_ARRAY && name.equals("findings")) {
                        int index = 0;
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            JsonNode finding = JsonInput.PIECEWISE.readTree(parser);
                            String at = "$.findings[" + index++ + "]";
                            Set<ValidationMessage> messages = findingSchema(schema).validate(finding);
                            if (messages.isEmpty()) {
                                ReportFinding converted = converter.finding(finding, at);
                                if (converted != null) {
                                    findings.add(converted);
                                }
                            } else {
                                problems.addAll(messages(at, messages));
                            }
                        }
                        top.set(name, JsonInput.STRICT.createArrayNode());
                    } else {
                        top.set(name, JsonInput.PIECEWISE.readTree(parser));
                    }
                }
                JsonToken trailing = parser.nextToken();
                if (trailing != null) {
                    throw JsonInput.syntaxError(file, what, new JsonParseException(parser,
                            "Trailing token (of type " + trailing + ") found after value"));
                }
                problems.addAll(messages("", schema.validate(top)));
            }
        } catch (JsonProcessingException e) {
            throw JsonInput.syntaxError(file, what, e);
        } catch (IOException e) {
            throw new InvalidReportException(file, "Cannot read " + what + " " + file + " (" + e + ")", List.of(), e);
        }
        if (!problems.isEmpty()) {
            throw invalid(file, new ArrayList<>(problems));
        }
        FindingsReport report = converter.report(top, findings);
        if (!converter.problems.isEmpty()) {
            throw invalid(file, converter.problems);
        }
        return report;
    }

    /** Each message as {@code location: problem}, its location rebased from a finding onto the document. */
    private static List<String> messages(String at, Set<ValidationMessage> messages) {
        List<String> problems = new ArrayList<>(messages.size());
        for (ValidationMessage m : messages) {
            // getError() is the message without the location, which getMessage() already starts with.
            String location = m.getInstanceLocation().toString();
            problems.add((at.isEmpty() ? location : at + location.substring(1)) + ": " + m.getError());
        }
        return problems;
    }

    private static JsonSchema findingSchema(JsonSchema schema) {
        if (schema == SCHEMA) {
            return FINDING_SCHEMA;
        }
        return schema.getSubSchema(new JsonNodePath(PathType.JSON_POINTER).append("$defs").append("finding"));
    }

    static JsonSchema schema(InputStream in) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }

    private static InvalidReportException invalid(Path file, List<String> problems) {
        List<String> shown = problems.size() > MAX_PROBLEMS_SHOWN
                ? new ArrayList<>(problems.subList(0, MAX_PROBLEMS_SHOWN)) : new ArrayList<>(problems);
        if (problems.size() > MAX_PROBLEMS_SHOWN) {
            shown.add("... and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more");
        }
        return new InvalidReportException(file, "Findings report " + file + " does not match the Loopguard "
                + "report schema (docs/schema/loopguard-report.schema.json), " + problems.size() + " problem(s)",
                shown, null);
    }

    /**
     * Turns a schema-valid tree into the model, collecting what the schema's types cannot check (timestamps, counts
     * beyond a {@code long}). Repeated strings (stack frames, thread names) are shared, which keeps many shards of
     * similar findings within a small heap.
     */
    private static final class Converter {
        final List<String> problems = new ArrayList<>();
        private final Map<String, String> strings = new HashMap<>();

        ReportFinding finding(JsonNode f, String at) {
            ReportedException exception = null;
            JsonNode e = f.get("exception");
            if (e != null) {
                exception = new ReportedException(shared(e.get("type").asText()), text(e, "message"),
                        frames(e.get("stack")));
            }
            Instant firstSeen = instant(f, "firstSeen", at);
            Instant lastSeen = instant(f, "lastSeen", at);
            long count = count(f, at);
            if (firstSeen == null || lastSeen == null) {
                return null;
            }
            return new ReportFinding(
                    shared(f.get("kind").asText()), shared(f.get("thread").asText()), f.get("message").asText(),
                    frames(f.get("stack")), shared(text(f, "site")), count, firstSeen, lastSeen,
                    shared(text(f, "advice")), shared(text(f, "operation")),
                    f.has("durationMillis") ? f.get("durationMillis").asLong() : null, shared(text(f, "controller")),
                    shared(text(f, "loop")), shared(text(f, "createdAt")), shared(text(f, "discardedAt")),
                    shared(text(f, "reason")), exception, shared(text(f, "returnType")), shared(text(f, "test")));
        }

        FindingsReport report(JsonNode root, List<ReportFinding> findings) {
            List<String> errors = new ArrayList<>();
            for (JsonNode e : root.get("agentErrors")) {
                errors.add(e.get("detector").asText() + ": " + e.get("error").asText());
            }
            Map<String, Object> extensions = new LinkedHashMap<>();
            root.fields().forEachRemaining(field -> {
                if (!KNOWN_FIELDS.contains(field.getKey())) {
                    extensions.put(field.getKey(), JsonInput.STRICT.convertValue(field.getValue(), Object.class));
                }
            });
            JsonNode jvm = root.get("jvm");
            Instant startedAt = instant(root, "startedAt", "$");
            Instant finishedAt = instant(root, "finishedAt", "$");
            if (!problems.isEmpty()) {
                return null;
            }
            return new FindingsReport(root.get("version").asText(), jvm.get("version").asText(),
                    jvm.get("vendor").asText(), startedAt, finishedAt, toMap(root.get("options")), findings,
                    toMap(root.get("profile")), errors, extensions);
        }

        private Instant instant(JsonNode node, String field, String at) {
            String value = node.get(field).asText();
            try {
                return parseInstant(value);
            } catch (DateTimeException e) {
                problems.add(at + "." + field + ": must be an RFC 3339 date-time such as 2026-11-21T11:27:12.000Z, "
                        + "was '" + value + "'");
                return null;
            }
        }

        /**
         * RFC 3339, as the schema's date-time format: an offset is required, Z or +01:00. What the agent writes
         * ({@link Instant#toString()}, UTC with up to nine fraction digits) is read by a fast path: the JDK's
         * formatter took a third of the time of reading 100,000 findings. Anything else goes to the formatter.
         */
        static Instant parseInstant(String s) {
            int n = s.length();
            if (n >= 20 && n <= 30 && s.charAt(n - 1) == 'Z' && s.charAt(4) == '-' && s.charAt(7) == '-'
                    && s.charAt(10) == 'T' && s.charAt(13) == ':' && s.charAt(16) == ':'
                    && (n == 20 || (s.charAt(19) == '.' && n > 21))) {
                int year = digits(s, 0, 4);
                int month = digits(s, 5, 2);
                int day = digits(s, 8, 2);
                int hour = digits(s, 11, 2);
                int minute = digits(s, 14, 2);
                int second = digits(s, 17, 2);
                int nanos = 0;
                if (n > 20) {
                    int fraction = n - 21;
                    nanos = digits(s, 20, fraction);
                    for (int i = fraction; i < 9 && nanos >= 0; i++) {
                        nanos *= 10;
                    }
                }
                if ((year | month | day | hour | minute | second | nanos) >= 0) {
                    // LocalDateTime.of checks the ranges: month 13 or 25:00 throw DateTimeException.
                    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
                }
            }
            return OffsetDateTime.parse(s).toInstant();
        }

        /** The decimal number of {@code length} digits at {@code from}, or -1 when one is not a digit. */
        private static int digits(String s, int from, int length) {
            int value = 0;
            for (int i = from; i < from + length; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }

        private long count(JsonNode f, String at) {
            JsonNode count = f.get("count");
            if (!count.canConvertToLong() || !count.canConvertToExactIntegral()) {
                problems.add(at + ".count: must be a whole number from 1 to " + Long.MAX_VALUE + ", was "
                        + count.asText());
                return 0;
            }
            return count.asLong();
        }

        private List<String> frames(JsonNode array) {
            List<String> frames = new ArrayList<>(array.size());
            array.forEach(frame -> frames.add(shared(frame.asText())));
            return frames;
        }

        private String shared(String value) {
            return value == null ? null : strings.computeIfAbsent(value, v -> v);
        }
    }

    /** The findings of one kind, in report order. */
    public List<ReportFinding> findingsOfKind(String kind) {
        Objects.requireNonNull(kind, "kind");
        return findings.stream().filter(f -> f.kind().equals(kind)).collect(Collectors.toList());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(JsonNode node) {
        // Map.copyOf in the constructor rejects null values; the schema never produces them in these objects.
        return JsonInput.STRICT.convertValue(node, Map.class);
    }

    private static JsonSchema loadSchema() {
        try (InputStream in = FindingsReport.class.getResourceAsStream("loopguard-report.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("loopguard-report.schema.json is missing from the reports jar");
            }
            return schema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
