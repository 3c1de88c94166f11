package dev.fuseflow.local;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.embedded.registry.RegistryConfig;
import dev.fuseflow.ops.exporter.OpsExporter;
import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.registry.RegistryClientConfig;
import dev.fuseflow.schemas.registry.RestSchemaRegistryClient;
import dev.fuseflow.schemas.registry.SchemaRegistryClient;
import dev.fuseflow.schemas.serde.SubjectNameStrategy;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.topics.TopicSpec;
import dev.fuseflow.streams.app.StreamProcessorApp;
import dev.fuseflow.streams.app.StreamProcessorConfig;
import dev.fuseflow.streams.config.StreamProcessorSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.admin.Admin;

/**
 * FuseFlow on one machine: a real broker and registry, FuseFlow's topics created and its value
 * schemas registered, and the stream processors turning feedback into preference samples. Later
 * stages (trainer, demo app) join this stack.
 */
public final class LocalStack implements AutoCloseable {

    /** Written into the data dir once the stack is ready, for tools and scripts to discover it. */
    public static final String ENDPOINTS_FILE = "endpoints.properties";

    private final EmbeddedStack stack;
    private final FuseFlowTopics topics;
    private final Map<String, Integer> schemaIds;
    private final StreamProcessorApp streamProcessors;
    private final OpsExporter ops;

    private LocalStack(
            EmbeddedStack stack,
            FuseFlowTopics topics,
            Map<String, Integer> schemaIds,
            StreamProcessorApp streamProcessors,
            OpsExporter ops) {
        this.stack = stack;
        this.topics = topics;
        this.schemaIds = schemaIds;
        this.streamProcessors = streamProcessors;
        this.ops = ops;
    }

    public static LocalStack start(LocalStackConfig config) {
        config.requirePortsFree();
        if (config.reset()) {
            deleteRecursively(config.dataDir());
        }
        EmbeddedStack stack = EmbeddedStack.start(
                KafkaBrokerConfig.at(config.dataDir().resolve("kafka")).withPorts(config.kafkaPort(), 0),
                new RegistryConfig(config.dataDir().resolve("registry"), config.registryPort(), 0, null, null, null),
                config.brokerMode());
        try {
            FuseFlowTopics topics = FuseFlowTopics.defaults();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                new TopicProvisioner(admin).ensure(topics.all());
            }
            Map<String, Integer> ids = registerValueSchemas(stack, topics);
            StreamProcessorApp streams = StreamProcessorApp.start(streamProcessorConfig(config, stack));
            OpsExporter ops = new OpsExporter(
                    Map.of(
                            "bootstrap.servers",
                            stack.bootstrapServers(),
                            "schema.registry.url",
                            stack.schemaRegistryUrl(),
                            "specific.avro.reader",
                            true),
                    topics,
                    "fuseflow",
                    OpsHttpServer.LOOPBACK,
                    config.opsPort(),
                    Duration.ofSeconds(5));
            LocalStack local = new LocalStack(stack, topics, ids, streams, ops);
            local.writeEndpoints(config.dataDir().resolve(ENDPOINTS_FILE));
            return local;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** The stream processors on their defaults, pointed at this stack, keeping their state in the data dir. */
    private static StreamProcessorConfig streamProcessorConfig(LocalStackConfig config, EmbeddedStack stack) {
        Map<String, String> settings = new HashMap<>(StreamProcessorConfig.DEFAULTS);
        settings.put(StreamProcessorSettings.BOOTSTRAP_SERVERS.key(), stack.bootstrapServers());
        settings.put(StreamProcessorSettings.SCHEMA_REGISTRY_URL.key(), stack.schemaRegistryUrl());
        settings.put(
                StreamProcessorSettings.STATE_DIR.key(),
                config.dataDir().resolve("stream-processors").toString());
        settings.put(StreamProcessorSettings.METRICS_PORT.key(), String.valueOf(config.streamsMetricsPort()));
        // The demo's users are noisy (DemoSettings.thumbsNoise): trust the reward model four times as much as a thumb.
        settings.put(StreamProcessorSettings.WEIGHT_THUMBS.key(), "0.25");
        return StreamProcessorConfig.from(Settings.of(settings));
    }

    private static Map<String, Integer> registerValueSchemas(EmbeddedStack stack, FuseFlowTopics topics) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        try (SchemaRegistryClient registry = new RestSchemaRegistryClient(
                RegistryClientConfig.from(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl())))) {
            for (TopicSpec topic : topics.all()) {
                Schema schema = SpecificData.get().getSchema(topic.valueType());
                String subject = SubjectNameStrategy.TOPIC_NAME.subjectName(topic.name(), false, schema);
                ids.put(subject, registry.register(subject, schema));
            }
        }
        return ids;
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return stack.schemaRegistryUrl();
    }

    public FuseFlowTopics topics() {
        return topics;
    }

    /** Registered value subjects and their schema ids. */
    public Map<String, Integer> schemaIds() {
        return schemaIds;
    }

    /** A block of text a person can act on: where everything is and how to reach it. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("FuseFlow local stack is ready\n");
        text.append("  kafka             bootstrap.servers=")
                .append(bootstrapServers())
                .append('\n');
        text.append("  schema registry   schema.registry.url=")
                .append(schemaRegistryUrl())
                .append('\n');
        text.append("  registry UI/API   ").append(stack.registry().baseUrl()).append('\n');
        text.append("  topics\n");
        for (TopicSpec topic : topics.all()) {
            text.append(String.format(
                    "    %-28s %d partitions, value %s%n",
                    topic.name(), topic.partitions(), topic.valueType().getSimpleName()));
        }
        text.append("  subjects          ").append(schemaIds).append('\n');
        text.append("  stream processors generations + feedback -> preferences (+ dlq); metrics http://127.0.0.1:")
                .append(streamProcessors.metricsPort())
                .append("/metrics, health /health\n");
        text.append("  ops               status page http://127.0.0.1:")
                .append(ops.port())
                .append("/ (lag over time, versions),"
                        + " metrics /metrics; or bin/fuseflow-ops status --bootstrap-servers ")
                .append(bootstrapServers())
                .append(" --schema-registry-url ")
                .append(schemaRegistryUrl())
                .append('\n');
        text.append("Stop with Ctrl-C; data stays in the data dir (use --reset for a clean start).");
        return text.toString();
    }

    private void writeEndpoints(Path file) {
        Properties endpoints = new Properties();
        endpoints.setProperty("bootstrap.servers", bootstrapServers());
        endpoints.setProperty("schema.registry.url", schemaRegistryUrl());
        try (OutputStream out = Files.newOutputStream(file)) {
            endpoints.store(out, "FuseFlow local stack endpoints");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    public OpsExporter ops() {
        return ops;
    }

    public StreamProcessorApp streamProcessors() {
        return streamProcessors;
    }

    @Override
    public void close() {
        try {
            ops.close();
            streamProcessors.close();
        } finally {
            stack.close();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reset the data dir " + dir, e);
        }
    }
}
