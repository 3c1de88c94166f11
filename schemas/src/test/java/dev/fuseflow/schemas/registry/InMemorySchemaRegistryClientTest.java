package dev.fuseflow.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {

    private static final Schema V1 = SchemaBuilder.record("R")
            .namespace("x")
            .fields()
            .requiredString("a")
            .endRecord();
    private static final Schema V2_OPTIONAL_FIELD = SchemaBuilder.record("R")
            .namespace("x")
            .fields()
            .requiredString("a")
            .optionalString("b")
            .endRecord();
    private static final Schema V2_REQUIRED_FIELD = SchemaBuilder.record("R")
            .namespace("x")
            .fields()
            .requiredString("a")
            .requiredString("b")
            .endRecord();

    @Test
    void sameSchemaSameIdAndVersionsCount() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.register("s", V1);
        assertThat(registry.register("s", V1)).isEqualTo(id);
        registry.register("s", V2_OPTIONAL_FIELD);
        assertThat(registry.latest("s").version()).isEqualTo(2);
        assertThat(registry.lookup("s", V1).version()).isEqualTo(1);
    }

    @Test
    void backwardRefusesANewRequiredFieldWithA409() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        registry.register("s", V1);
        assertThat(registry.checkCompatibility("s", V2_REQUIRED_FIELD).compatible())
                .isFalse();
        assertThatThrownBy(() -> registry.register("s", V2_REQUIRED_FIELD))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.isIncompatibleSchema()).isTrue())
                .hasMessageContaining("subject 's'");
    }

    @Test
    void forwardRefusesRemovingARequiredField() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        registry.setCompatibility("s", CompatibilityLevel.FORWARD);
        registry.register("s", V2_REQUIRED_FIELD);
        assertThat(registry.checkCompatibility("s", V1).compatible()).isFalse();
        registry.setCompatibility("s", CompatibilityLevel.NONE);
        assertThat(registry.checkCompatibility("s", V1).compatible()).isTrue();
    }

    @Test
    void unknownThingsAre404sWithConfluentCodes() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        assertThatThrownBy(() -> registry.schemaById(99))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.latest("nope"))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }
}
