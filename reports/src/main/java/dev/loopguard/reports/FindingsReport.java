package dev.loopguard.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 */
public record FindingsReport(String version, String jvmVersion, String jvmVendor, Instant startedAt,
                             Instant finishedAt, Map<String, Object> options, List<ReportFinding> findings,
                             Map<String, Object> profile, List<String> agentErrors) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PROBLEMS_SHOWN = 20;
    private static final JsonSchema SCHEMA = loadSchema();

    public FindingsReport {
        Objects.requireNonNull(version, "version");
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
        findings = List.copyOf(Objects.requireNonNull(findings, "findings"));
        profile = Map.copyOf(Objects.requireNonNull(profile, "profile"));
        agentErrors = List.copyOf(Objects.requireNonNull(agentErrors, "agentErrors"));
    }

    /**
     * Reads and validates the report at {@code file}.
     *
     * @throws InvalidReportException if the file cannot be read, is not JSON, or does not match the schema
     */
    public static FindingsReport read(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidReportException(file, "Cannot read findings report " + file + " (" + e + "); "
                    + "check the agent's report=PATH option and that the JVM exited normally", List.of(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidReportException(file, "Findings report " + file + " is not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage(), List.of(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidReportException(file, "Findings report " + file + " is empty; expected the JSON object "
                    + "the Loopguard agent writes", List.of(), null);
        }
        Set<ValidationMessage> messages = SCHEMA.validate(root);
        if (!messages.isEmpty()) {
            List<String> problems = messages.stream()
                    .map(m -> m.getInstanceLocation() + ": " + m.getMessage())
                    .sorted(Comparator.naturalOrder())
                    .collect(Collectors.toList());
            List<String> shown = problems.size() > MAX_PROBLEMS_SHOWN
                    ? new ArrayList<>(problems.subList(0, MAX_PROBLEMS_SHOWN)) : new ArrayList<>(problems);
            if (problems.size() > MAX_PROBLEMS_SHOWN) {
                shown.add("... and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more");
            }
            throw new InvalidReportException(file, "Findings report " + file + " does not match the Loopguard "
                    + "report schema (docs/schema/loopguard-report.schema.json), " + problems.size() + " problem(s)",
                    shown, null);
        }
        return fromJson(root);
    }

    private static FindingsReport fromJson(JsonNode root) {
        List<ReportFinding> findings = new ArrayList<>();
        for (JsonNode f : root.get("findings")) {
            List<String> stack = new ArrayList<>();
            f.get("stack").forEach(frame -> stack.add(frame.asText()));
            findings.add(new ReportFinding(
                    f.get("kind").asText(), f.get("thread").asText(), f.get("message").asText(), stack,
                    text(f, "site"), f.get("count").asInt(), Instant.parse(f.get("firstSeen").asText()),
                    Instant.parse(f.get("lastSeen").asText()), text(f, "advice"), text(f, "operation"),
                    f.has("durationMillis") ? f.get("durationMillis").asLong() : null, text(f, "controller"),
                    text(f, "loop")));
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode e : root.get("agentErrors")) {
            errors.add(e.get("detector").asText() + ": " + e.get("error").asText());
        }
        JsonNode jvm = root.get("jvm");
        return new FindingsReport(root.get("version").asText(), jvm.get("version").asText(),
                jvm.get("vendor").asText(), Instant.parse(root.get("startedAt").asText()),
                Instant.parse(root.get("finishedAt").asText()), toMap(root.get("options")), findings,
                toMap(root.get("profile")), errors);
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
        return JSON.convertValue(node, Map.class);
    }

    private static JsonSchema loadSchema() {
        try (InputStream in = FindingsReport.class.getResourceAsStream("loopguard-report.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("loopguard-report.schema.json is missing from the reports jar");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
