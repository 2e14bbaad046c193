package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

/** Checks outputs against the published schemas kept in test resources. */
final class OutputValidation {

    private static final Path SCHEMAS = Path.of("src/test/resources/schemas");
    private static JsonSchema sarif;

    private OutputValidation() {
    }

    /** Validates against Maven Surefire's test report XSD; throws with the line and problem when invalid. */
    static void assertValidJUnitXml(String xml) throws Exception {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        javax.xml.validation.Validator validator = factory.newSchema(
                SCHEMAS.resolve("surefire-test-report-3.0.xsd").toFile()).newValidator();
        validator.validate(new StreamSource(new StringReader(xml)));
    }

    /** Validates against the SARIF 2.1.0 JSON schema (draft-07, as its $schema says). */
    static void assertValidSarif(String sarifJson) throws Exception {
        JsonNode node = new ObjectMapper().readTree(sarifJson);
        Set<ValidationMessage> problems = sarifSchema().validate(node);
        assertThat(problems).as("SARIF schema problems").isEmpty();
    }

    private static synchronized JsonSchema sarifSchema() throws Exception {
        if (sarif == null) {
            try (InputStream in = Files.newInputStream(SCHEMAS.resolve("sarif-schema-2.1.0.json"))) {
                sarif = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
            }
        }
        return sarif;
    }
}
