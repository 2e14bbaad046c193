package com.acme.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherFactory;

/** The run report a launcher session writes per fork, found through ServiceLoader as Surefire's launcher finds it. */
class RunReportTest {

    @Test
    @DisplayName("a test run writes loopguard-junit-<fork>.json with each finding's test, valid against the schema, and one summary line")
    void writesTheRunReportPerFork(@TempDir Path directory) throws Exception {
        String previousDirectory = System.getProperty("loopguard.junit.reportDirectory");
        String previousFork = System.getProperty("loopguard.junit.fork");
        PrintStream previousOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setProperty("loopguard.junit.reportDirectory", directory.toString());
        System.setProperty("loopguard.junit.fork", "7");
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try (LauncherSession session = LauncherFactory.openSession()) {
                session.getLauncher().execute(request().selectors(selectClass(
                        LoopguardExtensionTest.BlockingFixture.class)).build());
            }
        } finally {
            System.setOut(previousOut);
            restore("loopguard.junit.reportDirectory", previousDirectory);
            restore("loopguard.junit.fork", previousFork);
        }

        Path report = directory.resolve("loopguard-junit-7.json");
        assertThat(report).exists();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        List<JsonNode> blocking = new ArrayList<>();
        json.get("findings").forEach(f -> {
            if (f.get("kind").asText().equals("BLOCKING_CALL")
                    && f.path("test").asText().startsWith("BlockingFixture.blocksTheLoop()")) {
                blocking.add(f);
            }
        });
        assertThat(blocking).as(json.toPrettyString()).isNotEmpty();
        assertThat(schemaErrors(json)).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .filteredOn(line -> line.startsWith("loopguard: ") && line.endsWith("; report: " + report))
                .singleElement().asString().matches("loopguard: \\d+ findings? in \\d+ tests? \\(.*BLOCKING_CALL \\d+.*\\).*");
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static List<String> schemaErrors(JsonNode report) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("loopguard.test.schema")))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in).validate(report)
                    .stream().map(ValidationMessage::getMessage).collect(Collectors.toList());
        }
    }
}
