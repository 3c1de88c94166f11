package dev.fuseflow.schemas.versions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.TopicPartitionOffset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * ModelVersion gained the registry's fields (trainedFrom, hyperparameters, codeVersion, aliases,
 * tags): the schema before them, kept in the test resources, and today's read each other's records
 * both ways (FULL compatibility), so readers and writers of either age may share the topic.
 */
class ModelVersionEvolutionTest {

    private static Schema before() throws IOException {
        try (InputStream in = ModelVersionEvolutionTest.class.getResourceAsStream(
                "/previous/ModelVersion-before-registry-fields.avsc")) {
            Schema.Parser parser = new Schema.Parser();
            parser.parse(TopicPartitionOffset.getClassSchema().toString());
            return parser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theRegistryFieldsAreOptionalBothWays() throws IOException {
        Schema before = before();
        Schema now = ModelVersion.getClassSchema();
        assertThat(now.getFields()).hasSize(before.getFields().size() + 5);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(now, before)
                        .getType())
                .as("new readers read old records")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before, now)
                        .getType())
                .as("old readers read new records")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        for (String field : new String[] {"trainedFrom", "hyperparameters", "codeVersion", "aliases", "tags"}) {
            assertThat(now.getField(field).hasDefaultValue()).as(field).isTrue();
        }
    }
}
