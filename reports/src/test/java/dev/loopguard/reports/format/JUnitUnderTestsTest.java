package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.reports.FindingsReport;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.ReportFinding;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JUnitUnderTestsTest {

    @Test
    @DisplayName("a finding a harness tied to tests is a failed case under each test; without one, under its site's class")
    void underTheTest() throws Exception {
        String site = "com.acme.Pump.run(Pump.java:41)";
        ReportFinding withTests = new ReportFinding("BLOCKING_CALL", "loop-1", "Blocking call at " + site,
                List.of(site), site, 2, Instant.parse("2026-11-21T11:00:00Z"), Instant.parse("2026-11-21T11:00:00Z"),
                null, "java.lang.Thread.sleep", null, null, null, null, null, null, null, null, "com.acme.PumpTest#starts");
        ReportFinding again = new ReportFinding("BLOCKING_CALL", "loop-2", "Blocking call at " + site,
                List.of(site), site, 1, Instant.parse("2026-11-21T11:00:00Z"), Instant.parse("2026-11-21T11:00:00Z"),
                null, "java.lang.Thread.sleep", null, null, null, null, null, null, null, null, "com.acme.PumpTest.stops");
        String other = "com.acme.Valve.open(Valve.java:9)";
        ReportFinding noTest = new ReportFinding("BLOCKING_CALL", "loop-1", "Blocking call at " + other,
                List.of(other), other, 1, Instant.parse("2026-11-21T11:00:00Z"), Instant.parse("2026-11-21T11:00:00Z"),
                null, "java.lang.Thread.sleep", null, null, null, null, null, null, null, null, null);
        ReportData data = ReportData.builder().addFindings("a", report(withTests, noTest)).addFindings("b", report(again))
                .build();

        String xml = GoldenFilesTest.render(ReportFormatType.JUNIT_XML, data, FormatOptions.defaults());

        OutputValidation.assertValidJUnitXml(xml);
        assertThat(xml).contains("<testcase name=\"starts: BLOCKING_CALL java.lang.Thread.sleep at Pump.run(Pump.java:41)\" "
                + "classname=\"com.acme.PumpTest\"")
                .contains("<testcase name=\"stops: BLOCKING_CALL java.lang.Thread.sleep at Pump.run(Pump.java:41)\" "
                        + "classname=\"com.acme.PumpTest\"")
                .contains("<testcase name=\"BLOCKING_CALL java.lang.Thread.sleep at Valve.open(Valve.java:9)\" "
                        + "classname=\"com.acme.Valve\"")
                .contains("tests=\"3\"").contains("failures=\"3\"");
    }

    @Test
    @DisplayName("no findings: one passing case, so that CI sees the check ran")
    void noFindings() throws Exception {
        String xml = GoldenFilesTest.render(ReportFormatType.JUNIT_XML, ReportData.builder().build(),
                FormatOptions.defaults());

        OutputValidation.assertValidJUnitXml(xml);
        assertThat(xml).contains("tests=\"1\"").contains("failures=\"0\"")
                .contains("<testcase name=\"no findings\" classname=\"loopguard\" time=\"0\"></testcase>");
    }

    private static FindingsReport report(ReportFinding... findings) {
        return new FindingsReport("test", "17", "Debian", Instant.parse("2026-11-21T11:00:00Z"),
                Instant.parse("2026-11-21T11:00:02Z"), Map.of(), List.of(findings), Map.of(), List.of(), Map.of());
    }
}
