package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps, per model, the newest version ever PUBLISHED: the yardstick for stale on-policy responses. */
final class PublishedVersionsTracker implements Processor<String, ModelVersion, Void, Void> {

    private KeyValueStore<String, Long> newestPublished;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        newestPublished = context.getStateStore(PreferenceTopology.PUBLISHED_VERSIONS_STORE);
    }

    @Override
    public void process(Record<String, ModelVersion> record) {
        ModelVersion version = record.value();
        if (version == null || version.getStatus() != ModelVersionStatus.PUBLISHED) {
            return;
        }
        Long known = newestPublished.get(version.getModelName());
        if (known == null || version.getVersion() > known) {
            newestPublished.put(version.getModelName(), version.getVersion());
        }
    }
}
