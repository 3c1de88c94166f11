package dev.fuseflow.streams.app;

import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.streams.config.StreamProcessorSettings;
import dev.fuseflow.streams.deadletter.DeadLetterHandler;
import dev.fuseflow.streams.rocksdb.BoundedRocksDbMemory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams properties of the application; every non-default one carries its reason. The
 * {@code kafka.*} and {@code serde.*} passthrough cannot change any of them: a passthrough key
 * that FuseFlow also sets is refused, naming both (its declared settings are refused as they are
 * read, the fixed ones here).
 */
public final class StreamsProperties {

    private StreamsProperties() {}

    public static Properties of(StreamProcessorConfig config, MeterRegistry meters) {
        Map<String, Object> fuseflow = fuseflowProperties(config, meters);
        requireUntouched("kafka.", config.kafkaClientSettings(), fuseflow);
        requireUntouched("serde.", config.serdeSettings(), fuseflow);
        Properties p = new Properties();
        p.putAll(config.kafkaClientSettings());
        p.putAll(config.serdeSettings());
        p.putAll(fuseflow);
        return p;
    }

    /** What FuseFlow sets, from its settings or always. */
    private static Map<String, Object> fuseflowProperties(StreamProcessorConfig config, MeterRegistry meters) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        // Every sample and dead letter is written exactly once, with the consumed offsets, in one transaction.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Warm copies of the prompt state on other instances make failover fast.
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        // Transactions commit this often: the bound on event-to-sample latency (EOS default is 100 ms).
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        p.putAll(errorHandling(config.topology().topics().deadLetters().name(), meters));
        // Changelog and repartition topics survive a broker loss like the input topics do.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        // Every store shares one bounded cache, so the pod's memory does not grow with the tasks it owns.
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        p.put(StreamProcessorSettings.ROCKSDB_MEMORY_MIB.key(), config.rocksDbMemoryMib());
        // Samples are small and many: compress them like the producers do.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
        return p;
    }

    /** Bad input must never stop the application: all three hooks dead-letter and resume. */
    public static Map<String, Object> errorHandling(String deadLetterTopic, MeterRegistry meters) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        settings.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        settings.put(DeadLetterHandler.DLQ_TOPIC, deadLetterTopic);
        settings.put(DeadLetterHandler.METER_REGISTRY, meters);
        return settings;
    }

    private static void requireUntouched(String prefix, Map<String, String> passthrough, Map<String, Object> fuseflow) {
        for (String key : passthrough.keySet()) {
            if (fuseflow.containsKey(key)) {
                Object value = fuseflow.get(key);
                throw Settings.conflict(
                        prefix + key,
                        key + ", which FuseFlow sets to "
                                + (value instanceof Class<?> type ? type.getSimpleName() : value),
                        "remove " + prefix + key);
            }
        }
    }
}
