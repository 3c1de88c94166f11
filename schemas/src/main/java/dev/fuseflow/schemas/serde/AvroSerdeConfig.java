package dev.fuseflow.schemas.serde;

import java.util.Map;

/**
 * Serde settings under Confluent's config names, so that configurations written for Confluent's
 * {@code KafkaAvroSerializer} work unchanged. The registry connection settings are read by
 * {@link dev.fuseflow.schemas.registry.RegistryClientConfig} from the same map.
 *
 * @param autoRegisterSchemas {@code auto.register.schemas} (default true): register the record's
 *                            schema on first use; false looks it up and fails if it is missing
 * @param useLatestVersion    {@code use.latest.version} (default false): write with the subject's
 *                            latest schema (needs {@code auto.register.schemas=false})
 * @param specificAvroReader  {@code specific.avro.reader} (default false): return generated
 *                            classes instead of {@code GenericRecord}
 * @param subjectNameStrategy {@code key.subject.name.strategy} or {@code value.subject.name.strategy}
 */
public record AvroSerdeConfig(
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        boolean specificAvroReader,
        SubjectNameStrategy subjectNameStrategy) {

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    public AvroSerdeConfig {
        if (useLatestVersion && autoRegisterSchemas) {
            throw new IllegalArgumentException(USE_LATEST_VERSION + "=true needs " + AUTO_REGISTER_SCHEMAS
                    + "=false: a serializer either registers the record's schema or writes with the latest one");
        }
    }

    /** Reads the settings for a key ({@code isKey}) or value serde from a Kafka config map. */
    public static AvroSerdeConfig from(Map<String, ?> configs, boolean isKey) {
        Object strategy = configs.get(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY);
        return new AvroSerdeConfig(
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false),
                bool(configs, SPECIFIC_AVRO_READER, false),
                strategy == null ? SubjectNameStrategy.TOPIC_NAME : strategyOf(strategy));
    }

    private static SubjectNameStrategy strategyOf(Object configured) {
        if (configured instanceof SubjectNameStrategy s) {
            return s;
        }
        if (configured instanceof Class<?> c) {
            return SubjectNameStrategy.named(c.getName());
        }
        return SubjectNameStrategy.named(configured.toString());
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
    }
}
