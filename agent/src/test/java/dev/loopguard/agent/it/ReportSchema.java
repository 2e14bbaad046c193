package dev.loopguard.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;

/** Validates reports against docs/schema/loopguard-report.schema.json. */
final class ReportSchema {
    private static JsonSchema schema;

    private ReportSchema() {
    }

    static synchronized List<String> errors(JsonNode report) throws IOException {
        if (schema == null) {
            try (InputStream in = Files.newInputStream(ForkedJvm.SCHEMA)) {
                schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            }
        }
        return schema.validate(report).stream().map(ValidationMessage::getMessage).collect(Collectors.toList());
    }
}
