package dev.fuseflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.schemas.avro.ChatRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WrpoExampleJsonlTest {

    private static final String GOOD =
            "{\"sampleId\": \"s1\", \"prompt\": [{\"role\": \"system\", \"content\": \"be brief\"},"
                    + " {\"role\": \"USER\", \"content\": \"2+2?\"}], \"sourceChosen\": {\"text\": \"4\", \"model\": \"big\"},"
                    + " \"targetChosen\": {\"text\": \"4.\"}, \"targetRejected\": {\"text\": \"5\"}, \"weight\": 0.8}";

    @TempDir
    Path dir;

    @Test
    void readsExamplesSkippingBlankLinesAndDefaultingTheWeight() throws Exception {
        Path file = dir.resolve("samples.jsonl");
        Files.writeString(
                file, GOOD + "\n\n" + GOOD.replace("\"s1\"", "\"s2\"").replace(", \"weight\": 0.8", "") + "\n");

        List<WrpoExample> examples = WrpoExampleJsonl.read(file);

        assertThat(examples).hasSize(2);
        WrpoExample first = examples.get(0);
        assertThat(first.prompt()).extracting(m -> m.getRole()).containsExactly(ChatRole.SYSTEM, ChatRole.USER);
        assertThat(first.sourceChosen()).isEqualTo("4");
        assertThat(first.targetChosen()).isEqualTo("4.");
        assertThat(first.rejected()).isEqualTo("5");
        assertThat(first.weight()).isEqualTo(0.8);
        assertThat(examples.get(1).sampleId()).isEqualTo("s2");
        assertThat(examples.get(1).weight()).isEqualTo(1.0);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"sampleId\": \"s1\", |                                 | field 'sampleId' must be a non-blank string and is missing",
                "{\"text\": \"5\"}     | {\"text\": \"\"}                   | field 'targetRejected.text' must be a non-blank string",
                "\"weight\": 0.8       | \"weight\": -1                     | field 'weight' must be a finite number > 0",
                "\"weight\": 0.8       | \"weight\": \"high\"               | field 'weight' must be a number",
                "\"USER\"              | \"robot\"                          | field 'prompt[1].role' must be one of",
                "\"content\": \"2+2?\" | \"content\": 4                     | field 'prompt[1].content' must be a string",
            })
    void aBadLineNamesTheFileLineAndField(String replace, String with, String message) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        String bad = GOOD.replace(replace.strip(), with == null ? "" : with.strip());
        assertThat(bad).isNotEqualTo(GOOD);
        Files.writeString(file, GOOD + "\n" + bad + "\n");
        assertThatThrownBy(() -> WrpoExampleJsonl.read(file))
                .isInstanceOf(WrpoExampleJsonl.BadLineException.class)
                .hasMessageStartingWith(file + ":2: ")
                .hasMessageContaining(message);
    }

    @Test
    void notJsonAndNotAnObjectAreNamedToo() throws Exception {
        Path file = dir.resolve("junk.jsonl");
        Files.writeString(file, "{oops\n");
        assertThatThrownBy(() -> WrpoExampleJsonl.read(file)).hasMessageStartingWith(file + ":1: not JSON");
        Files.writeString(file, "[1, 2]\n");
        assertThatThrownBy(() -> WrpoExampleJsonl.read(file))
                .hasMessageContaining(":1: expected a JSON object, got ARRAY");
    }
}
