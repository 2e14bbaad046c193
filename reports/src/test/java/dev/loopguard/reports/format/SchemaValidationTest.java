package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchemaValidationTest {

    @Test
    @DisplayName("the JUnit XML is valid against Surefire's XSD")
    void junitXmlIsValid() throws Exception {
        String xml = GoldenFilesTest.render(ReportFormatType.JUNIT_XML, Fixtures.twoShards(), Fixtures.options());

        OutputValidation.assertValidJUnitXml(xml);
        assertThat(xml).contains("tests=\"7\"").contains("failures=\"6\"").contains("skipped=\"1\"");
    }

    @Test
    @DisplayName("the XSD check can fail: a test case without its time is rejected")
    void junitCheckCanFail() throws Exception {
        String xml = GoldenFilesTest.render(ReportFormatType.JUNIT_XML, Fixtures.twoShards(), Fixtures.options())
                .replaceFirst(" time=\"0\"><failure", "><failure");

        assertThatThrownBy(() -> OutputValidation.assertValidJUnitXml(xml)).hasMessageContaining("time");
    }

    @Test
    @DisplayName("the SARIF is valid against the SARIF 2.1.0 schema, with rules, locations and fingerprints")
    void sarifIsValid() throws Exception {
        String sarif = GoldenFilesTest.render(ReportFormatType.SARIF, Fixtures.twoShards(), Fixtures.options());

        OutputValidation.assertValidSarif(sarif);
        JsonNode run = new ObjectMapper().readTree(sarif).get("runs").get(0);
        assertThat(run.get("tool").get("driver").get("rules")).hasSize(6);
        assertThat(run.get("tool").get("driver").get("rules").get(0).get("helpUri").asText())
                .isEqualTo("https://loopguard.dev/docs/findings/BLOCKING_CALL.md");
        assertThat(run.get("automationDetails").get("id").asText()).isEqualTo("loopguard/");
        JsonNode first = run.get("results").get(0);
        assertThat(first.get("partialFingerprints").get("loopguardFingerprint/v1").asText()).hasSize(32);
        // Found under the fixture's source roots: the root-level Maven folder and a module's.
        assertThat(sarif).contains("\"uri\":\"src/main/java/com/acme/web/ConfigHandler.java\"")
                .contains("\"uri\":\"greenhouse/src/main/java/com/acme/greenhouse/Pump.java\"");
    }

    @Test
    @DisplayName("SARIF links an unhandled failure to where the future was created and dropped; known findings are suppressed")
    void relatedLocationsAndSuppressions() throws Exception {
        JsonNode results = new ObjectMapper().readTree(GoldenFilesTest.render(ReportFormatType.SARIF,
                Fixtures.twoShards(), Fixtures.options())).get("runs").get(0).get("results");

        JsonNode failure = null;
        JsonNode stall = null;
        for (JsonNode r : results) {
            if (r.get("ruleId").asText().equals("UNHANDLED_FAILURE")) {
                failure = r;
            }
            if (r.get("ruleId").asText().equals("LOOP_STALL")) {
                stall = r;
            }
        }
        assertThat(failure.get("relatedLocations")).hasSize(1);
        assertThat(failure.get("relatedLocations").get(0).get("message").get("text").asText())
                .isEqualTo("the future was dropped here");
        assertThat(failure.get("relatedLocations").get(0).get("physicalLocation").get("region").get("startLine").asInt())
                .isEqualTo(92);
        assertThat(stall.get("baselineState").asText()).isEqualTo("unchanged");
        assertThat(stall.get("suppressions").get(0).get("kind").asText()).isEqualTo("external");
    }

    @Test
    @DisplayName("the SARIF check can fail: a result without its message is rejected")
    void sarifCheckCanFail() throws Exception {
        String sarif = GoldenFilesTest.render(ReportFormatType.SARIF, Fixtures.twoShards(), Fixtures.options())
                .replaceFirst("\"level\":\"error\"", "\"level\":\"fatal\"");

        assertThatThrownBy(() -> OutputValidation.assertValidSarif(sarif)).hasMessageContaining("level");
    }
}
