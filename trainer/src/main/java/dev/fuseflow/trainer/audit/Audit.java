package dev.fuseflow.trainer.audit;

import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.training.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The exactly-once audit of a run folder against Kafka: the lineage is read first, then the topic
 * to its end, so a {@code serve} still running only adds records past the offsets audited.
 */
public final class Audit {

    private Audit() {}

    /**
     * Where and how to audit.
     *
     * @param runFolder       serve's {@code --output}
     * @param clientConfig    the Kafka and registry connection settings
     * @param topic           the preferences topic
     * @param deadLetterTopic the dead-letter topic the trainer writes to
     * @param evalBucket      the eval bucket serve runs with (its samples are held out, never trained)
     * @param timeout         the longest wait for reading a topic to its end
     */
    public record Request(
            Path runFolder,
            Map<String, Object> clientConfig,
            String topic,
            String deadLetterTopic,
            EvalBucket evalBucket,
            Duration timeout) {}

    public static AuditReport run(Request request) throws IOException {
        Path checkpoints = request.runFolder().resolve(TrainingLoop.CHECKPOINTS);
        if (!Files.isDirectory(checkpoints)) {
            throw new IllegalArgumentException(
                    "--output " + request.runFolder() + " is not a run folder: it has no " + TrainingLoop.CHECKPOINTS);
        }
        CheckpointLineage.Snapshot lineage = CheckpointLineage.snapshot(checkpoints);
        TopicRecords kafka = new TopicRecords(request.clientConfig(), request.timeout());
        List<ExactlyOnceAudit.TopicRecord> records = kafka.samples(request.topic());
        ExactlyOnceAudit.Trained trained = new ExactlyOnceAudit.Trained(
                lineage.links(),
                lineage.covered(),
                kafka.deadLettered(request.deadLetterTopic(), request.topic()),
                request.evalBucket()::heldOut);
        return ExactlyOnceAudit.audit(request.topic(), records, trained);
    }
}
