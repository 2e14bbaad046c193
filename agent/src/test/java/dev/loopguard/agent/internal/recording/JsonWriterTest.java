package dev.loopguard.agent.internal.recording;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonWriterTest {

    @Test
    void writesNestedDocumentsWithEscapes() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("list", List.of("a", "b"));
        options.put("n", 3);
        String json = new JsonWriter().beginObject()
                .name("text").value("quote \" backslash \\ newline \n tab \t bell \u0007")
                .name("empty").beginArray().endArray()
                .name("options").value(options)
                .name("flag").value(true)
                .name("none").nullValue()
                .endObject().toJson();
        assertThat(json).isEqualTo("{\n"
                + "  \"text\": \"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007\",\n"
                + "  \"empty\": [],\n"
                + "  \"options\": {\n"
                + "    \"list\": [\n"
                + "      \"a\",\n"
                + "      \"b\"\n"
                + "    ],\n"
                + "    \"n\": 3\n"
                + "  },\n"
                + "  \"flag\": true,\n"
                + "  \"none\": null\n"
                + "}");
    }

    @Test
    void refusesToWriteBrokenJson() {
        assertThatThrownBy(() -> new JsonWriter().beginObject().value("no name"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a name");
        assertThatThrownBy(() -> new JsonWriter().beginArray().toJson())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> new JsonWriter().beginArray().endObject())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().value(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JsonWriter().value(new Object()))
                .hasMessageContaining("java.lang.Object is not supported");
    }
}
