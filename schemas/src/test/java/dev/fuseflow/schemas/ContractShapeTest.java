package dev.fuseflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.PreferenceSample;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The rules the contracts follow, checked on the schemas the build generated from the .avsc files. */
class ContractShapeTest {

    private static final List<Schema> TOP_LEVEL = List.of(
            GenerationEvent.getClassSchema(),
            FeedbackEvent.getClassSchema(),
            PreferenceSample.getClassSchema(),
            DeadLetter.getClassSchema(),
            ModelVersion.getClassSchema());

    @Test
    void everyNamedTypeLivesInOneNamespace() {
        for (Schema named : namedTypes()) {
            assertThat(named.getNamespace()).as(named.getFullName()).isEqualTo("dev.fuseflow.schemas.avro");
        }
    }

    @Test
    void everyRecordFieldHasADoc() {
        List<String> undocumented = new ArrayList<>();
        for (Schema named : namedTypes()) {
            if (named.getType() == Schema.Type.RECORD) {
                named.getFields().stream()
                        .filter(f -> f.doc() == null || f.doc().isBlank())
                        .forEach(f -> undocumented.add(named.getName() + "." + f.name()));
            }
        }
        assertThat(undocumented).isEmpty();
    }

    @Test
    void everyEnumHasADefaultSoThatNewSymbolsStayReadable() {
        for (Schema named : namedTypes()) {
            if (named.getType() == Schema.Type.ENUM) {
                assertThat(named.getEnumDefault()).as(named.getFullName()).isEqualTo("UNKNOWN");
            }
        }
    }

    @Test
    void everyTimestampIsTimestampMillis() {
        for (Schema named : namedTypes()) {
            if (named.getType() != Schema.Type.RECORD) {
                continue;
            }
            for (Schema.Field field : named.getFields()) {
                if (field.name().endsWith("At") || field.name().endsWith("Timestamp")) {
                    Schema type =
                            field.schema().isUnion() ? field.schema().getTypes().get(1) : field.schema();
                    assertThat(type.getLogicalType())
                            .as(named.getName() + "." + field.name())
                            .isEqualTo(LogicalTypes.timestampMillis());
                }
            }
        }
    }

    @Test
    void feedbackSignalIsAUnionOfTheFourSignalRecords() {
        Schema signal = FeedbackEvent.getClassSchema().getField("signal").schema();
        assertThat(signal.isUnion()).isTrue();
        assertThat(signal.getTypes())
                .extracting(Schema::getName)
                .containsExactly("Rating", "Thumbs", "PairwiseChoice", "RewardScore");
        assertThat(signal.getTypes().get(0).getField("scaleMin")).isNotNull();
        assertThat(signal.getTypes().get(3).getField("scorer")).isNotNull();
    }

    private static List<Schema> namedTypes() {
        Map<Schema, Boolean> seen = new IdentityHashMap<>();
        List<Schema> named = new ArrayList<>();
        TOP_LEVEL.forEach(s -> collect(s, seen, named));
        return named;
    }

    private static void collect(Schema schema, Map<Schema, Boolean> seen, List<Schema> named) {
        if (seen.put(schema, Boolean.TRUE) != null) {
            return;
        }
        switch (schema.getType()) {
            case RECORD -> {
                named.add(schema);
                schema.getFields().forEach(f -> collect(f.schema(), seen, named));
            }
            case ENUM, FIXED -> named.add(schema);
            case UNION -> schema.getTypes().forEach(t -> collect(t, seen, named));
            case ARRAY -> collect(schema.getElementType(), seen, named);
            case MAP -> collect(schema.getValueType(), seen, named);
            default -> {}
        }
    }
}
