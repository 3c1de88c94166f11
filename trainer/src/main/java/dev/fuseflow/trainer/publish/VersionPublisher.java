package dev.fuseflow.trainer.publish;

import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.avro.TopicPartitionOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes ModelVersion records, keyed by model name, each in its own Kafka transaction, so a
 * reader with read_committed sees a version only once its record is complete and never twice.
 */
public final class VersionPublisher implements AutoCloseable {

    private final Producer<String, ModelVersion> producer;
    private final String topic;

    /** @param producer a producer with a {@code transactional.id}; transactions are initialised here */
    public VersionPublisher(Producer<String, ModelVersion> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
        producer.initTransactions();
    }

    public ModelVersion write(
            ModelStore.Manifest manifest,
            String artifactUri,
            String manifestSha256,
            Artifact artifact,
            ModelVersionStatus status,
            List<String> reasons) {
        ModelVersion record = record(manifest, artifactUri, manifestSha256, artifact, status, reasons);
        writeAll(List.of(record));
        return record;
    }

    /** Several records in one transaction: readers see all of them or none (a rollback and the version it restores). */
    public void writeAll(List<ModelVersion> records) {
        producer.beginTransaction();
        try {
            for (ModelVersion record : records) {
                producer.send(new ProducerRecord<>(topic, record.getModelName().toString(), record));
            }
            producer.commitTransaction();
        } catch (RuntimeException e) {
            producer.abortTransaction();
            throw e;
        }
    }

    /** The ModelVersion record of a new (or refused) version: no alias or tag yet. */
    public static ModelVersion record(
            ModelStore.Manifest manifest,
            String artifactUri,
            String manifestSha256,
            Artifact artifact,
            ModelVersionStatus status,
            List<String> reasons) {
        return record(manifest, artifactUri, manifestSha256, artifact, status, reasons, VersionLabels.Labels.NONE);
    }

    /** The ModelVersion record of a stored version, with its provenance (from the manifest) and its labels. */
    public static ModelVersion record(
            ModelStore.Manifest manifest,
            String artifactUri,
            String manifestSha256,
            Artifact artifact,
            ModelVersionStatus status,
            List<String> reasons,
            VersionLabels.Labels labels) {
        List<TopicPartitionOffset> offsets = new ArrayList<>();
        manifest.offsets()
                .forEach((partition, offset) ->
                        offsets.add(new TopicPartitionOffset(partition.topic(), partition.partition(), offset)));
        ModelVersion record = ModelVersion.newBuilder()
                .setModelName(manifest.model())
                .setVersion(manifest.version())
                .setParentVersion(manifest.parentVersion())
                .setArtifactUri(artifactUri)
                .setArtifactSha256(manifestSha256)
                .setArtifactKind(artifact.kind())
                .setBaseModel(artifact.baseModel().orElse(null))
                .setBaseModelSha256(artifact.baseSha256().orElse(null))
                .setTrainerStep(manifest.trainerStep())
                .setSamplesTrained(manifest.samplesTrained())
                .setConsumedOffsets(offsets)
                .setEvalMetrics(manifest.metrics())
                .setStatus(status)
                .setStatusReasons(reasons)
                .setCreatedAt(Instant.now())
                .setTrainedFrom(manifest.provenance().trainedFrom())
                .setHyperparameters(Map.copyOf(manifest.provenance().hyperparameters()))
                .setCodeVersion(manifest.provenance().codeVersion())
                .setAliases(List.copyOf(labels.aliases()))
                .setTags(Map.copyOf(labels.tags()))
                .build();
        return record;
    }

    @Override
    public void close() {
        producer.close();
    }
}
