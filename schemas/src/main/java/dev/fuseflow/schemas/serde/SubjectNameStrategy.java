package dev.fuseflow.schemas.serde;

import java.util.Map;
import org.apache.avro.Schema;

/**
 * How a serializer names the registry subject a schema is registered under. Configured with
 * Confluent's keys {@code key.subject.name.strategy} and {@code value.subject.name.strategy};
 * Confluent's class names are accepted as aliases of FuseFlow's.
 */
@FunctionalInterface
public interface SubjectNameStrategy {

    String subjectName(String topic, boolean isKey, Schema schema);

    /** {@code <topic>-key} / {@code <topic>-value}: one record type per topic (the default). */
    SubjectNameStrategy TOPIC_NAME = (topic, isKey, schema) -> topic + (isKey ? "-key" : "-value");

    /** The record's full name: one record type across many topics. */
    SubjectNameStrategy RECORD_NAME = (topic, isKey, schema) -> schema.getFullName();

    /** {@code <topic>-<record full name>}: several record types in one topic. */
    SubjectNameStrategy TOPIC_RECORD_NAME = (topic, isKey, schema) -> topic + "-" + schema.getFullName();

    /** Resolves a configured strategy name: a short name, FuseFlow's or Confluent's class name. */
    static SubjectNameStrategy named(String name) {
        Map<String, SubjectNameStrategy> known = Map.of(
                "TopicNameStrategy", TOPIC_NAME,
                "RecordNameStrategy", RECORD_NAME,
                "TopicRecordNameStrategy", TOPIC_RECORD_NAME);
        String simpleName = name.substring(name.lastIndexOf('.') + 1).trim();
        SubjectNameStrategy strategy = known.get(simpleName);
        if (strategy == null) {
            throw new IllegalArgumentException("subject name strategy must be one of " + known.keySet()
                    + " (optionally with Confluent's package io.confluent.kafka.serializers.subject), got '" + name
                    + "'");
        }
        return strategy;
    }
}
