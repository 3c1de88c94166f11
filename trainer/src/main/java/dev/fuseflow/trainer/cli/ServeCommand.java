package dev.fuseflow.trainer.cli;

import dev.fuseflow.runtime.config.CommandLines;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.runtime.config.FuseFlowVersion;
import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.runtime.ops.ServiceMeters;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.eval.CandidateMetric;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.publish.EvalGate;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.Provenance;
import dev.fuseflow.trainer.publish.VersionPublisher;
import dev.fuseflow.trainer.service.GatedPublication;
import dev.fuseflow.trainer.service.SampleIntake;
import dev.fuseflow.trainer.service.TrainerMetrics;
import dev.fuseflow.trainer.service.TrainerService;
import dev.fuseflow.trainer.training.Publication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the streaming trainer on the preferences topic, until stopped (SIGTERM checkpoints first). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train continuously from the preferences topic: SFT on y_ws for --sft-samples, then WRPO (or DPO; with"
                    + " --objective SFT, serve stops after the SFT samples); exactly-once checkpoints.",
            "Options also come from --config FILE or FUSEFLOW_SERVE_<OPTION> variables."
        })
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(names = "--model", description = "Starting model folder (Hugging Face layout).")
    Path model;

    @Option(names = "--fresh-model", description = "Start from a new built-in model instead: ${COMPLETION-CANDIDATES}.")
    FreshModel freshModel;

    @Option(names = "--output", required = true, description = "Run folder: checkpoints, reference model.")
    Path output;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(
            names = "--group-id",
            defaultValue = "fuseflow-trainer",
            description = "The trainer's consumer group (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(
            names = "--group-instance-id",
            defaultValue = "trainer-0",
            description =
                    "Static group membership: a restarted trainer takes its partitions back at once instead of waiting for"
                            + " the dead member's session to time out (default ${DEFAULT-VALUE}).")
    String groupInstanceId;

    @Mixin
    TrainingOptions training = TrainingOptions.forServe();

    @Spec
    CommandSpec spec;

    @Option(
            names = "--max-wait",
            defaultValue = "2s",
            description = "Longest wait for a micro-batch to fill (default ${DEFAULT-VALUE}).")
    Duration maxWait;

    @Option(
            names = "--sft-samples",
            defaultValue = "1000",
            description = "Samples trained by SFT on y_ws before WRPO starts (default ${DEFAULT-VALUE}).")
    long sftSamples;

    @Option(
            names = "--schedule-updates",
            defaultValue = "1000",
            description =
                    "WRPO's cosine schedule length in updates; the rate stays at its floor after (default ${DEFAULT-VALUE}).")
    long scheduleUpdates;

    @Option(
            names = "--eval-bucket",
            defaultValue = "0",
            description =
                    "Percent of samples held out for the eval gate (0: no gate, no publication; default ${DEFAULT-VALUE}).")
    int evalBucket;

    @Option(
            names = "--eval-every",
            defaultValue = "50",
            description = "Updates between candidate evaluations (default ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(
            names = "--eval-interval",
            defaultValue = "5m",
            description =
                    "Evaluate a candidate after this long too, if it trained at all (0s: by updates only; default ${DEFAULT-VALUE}).")
    Duration evalInterval;

    @Option(
            names = "--gate-metrics",
            split = ",",
            defaultValue = "eval/rewards/accuracies,eval/loss",
            description =
                    "Metrics a candidate must not be worse in (eval/task_reward for the skills workload; default ${DEFAULT-VALUE}).")
    List<String> gateMetrics;

    @Option(
            names = "--gate-lower-is-better",
            split = ",",
            defaultValue = "eval/loss",
            description = "Which gate metrics are better when lower (default ${DEFAULT-VALUE}).")
    List<String> gateLowerIsBetter;

    @Mixin
    CandidateMetricOptions candidateMetrics = new CandidateMetricOptions();

    @Option(
            names = "--max-eval-samples",
            defaultValue = "256",
            description = "Most held-out samples the eval gate scores per candidate (default ${DEFAULT-VALUE}).")
    int maxEvalSamples;

    @Option(
            names = "--gate-tolerance",
            defaultValue = "0.02",
            description = "How much worse than the published version a candidate may be (default ${DEFAULT-VALUE}).")
    double gateTolerance;

    @Option(
            names = "--model-name",
            defaultValue = "target",
            description = "Name of the published model (ModelVersion key; default ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--store", description = "Model store folder (default: <output>/store).")
    Path store;

    @Option(
            names = "--metrics-host",
            defaultValue = OpsHttpServer.LOOPBACK,
            description = "Interface of /metrics and /health: this host only by default; 0.0.0.0 for every interface.")
    String metricsHost;

    @Option(
            names = "--metrics-port",
            defaultValue = "9405",
            description =
                    "Port of /metrics (Prometheus) and /health; 0 any free port, -1 none (default ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--progress-every",
            defaultValue = "10s",
            description = "Interval of the one-line progress log (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Override
    public Integer call() throws Exception {
        Running running = startService();
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "trainer-shutdown"));
        running.awaitEnd();
        return 0;
    }

    /**
     * Parses serve's options (no environment or file layers; a later option overrides an earlier
     * one) and starts the service on a thread of its own.
     */
    public static Running start(String... args) throws Exception {
        return parse(args).startService();
    }

    /** Serve's options as {@link #start} reads them: no environment or file layers, durations as everywhere else. */
    static ServeCommand parse(String... args) {
        ServeCommand command = new ServeCommand();
        CommandLines.withDurations(new CommandLine(command))
                .setOverwrittenOptionsAllowed(true)
                .parseArgs(args);
        return command;
    }

    /** Validates every setting before anything is read or connected, then starts the service. */
    Running startService() throws Exception {
        if ((model == null) == (freshModel == null)) {
            throw new IllegalArgumentException("give exactly one of --model DIR and --fresh-model PRESET");
        }
        training.recipe();
        GatedPublication.Settings gate = publicationSettings();
        List<CandidateMetric> metrics = candidateMetrics.chosen();
        if (freshModel != null) {
            // Written once; a restart finds it and resumes from the run's checkpoints.
            model = output.resolve("start-model");
            if (!Files.exists(model.resolve("config.json"))) {
                freshModel.write(model, training.seed);
            }
        }
        TrainerService.Settings settings = new TrainerService.Settings(
                training.setup(model, output),
                sftSamples,
                scheduleUpdates,
                topics().preferences().name(),
                maxWait);
        LOG.info(
                "Kafka at {} and registry at {}: {}",
                connection.bootstrapServers(),
                connection.schemaRegistryUrl(),
                connection.security().describe());
        Map<String, Object> consumerConfig = connection.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                AvroSerdeConfig.SPECIFIC_AVRO_READER,
                true,
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                groupInstanceId));
        SampleIntake intake =
                SampleIntake.kafka(consumerConfig, topics().deadLetters().name());
        ServiceMeters meters = ServiceMeters.start("trainer");
        intake.bindClientMetrics(meters);
        TrainerMetrics trainerMetrics = new TrainerMetrics(meters.registry(), progressEvery);
        TrainerService service =
                TrainerService.open(settings, intake, publication(gate, metrics, meters), trainerMetrics);
        return new Running(service, meters, metricsHost, metricsPort);
    }

    private FuseFlowTopics topics() {
        return connection.topics();
    }

    /** The gate's settings, validated with the rest; empty when no bucket is set. */
    private GatedPublication.Settings publicationSettings() {
        if (evalBucket < 0 || evalBucket > 100) {
            throw new IllegalArgumentException("--eval-bucket must lie in [0, 100] percent, got " + evalBucket);
        }
        return evalBucket == 0
                ? null
                : new GatedPublication.Settings(
                        modelName,
                        new EvalBucket(evalBucket),
                        maxEvalSamples,
                        evalEvery,
                        evalInterval,
                        training.rewards.alphaFinal(),
                        training.rewards.beta(),
                        provenance());
    }

    /** What every published version records of its making: the starting model, the training options, the build. */
    Provenance provenance() {
        Map<String, String> hyperparameters = new TreeMap<>();
        for (OptionSpec option : spec.mixins().get("training").options()) {
            hyperparameters.put(
                    option.longestName().replaceFirst("^-+", ""), String.valueOf((Object) option.getValue()));
        }
        String trainedFrom = model != null ? model.toString() : "fresh model " + freshModel;
        return new Provenance(trainedFrom, hyperparameters, "fuseflow " + FuseFlowVersion.version());
    }

    /** The eval gate and publication when a bucket is set; versions go to the model-versions topic in transactions. */
    private Publication publication(GatedPublication.Settings gate, List<CandidateMetric> metrics, ServiceMeters meters)
            throws IOException {
        if (gate == null) {
            return Publication.none();
        }
        Map<String, Object> config = connection.clientConfig(
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fuseflow-trainer-" + modelName));
        KafkaAvroSerializer values = new KafkaAvroSerializer();
        values.configure(config, false);
        @SuppressWarnings({"unchecked", "rawtypes"})
        KafkaProducer<String, ModelVersion> producer = new KafkaProducer(config, new StringSerializer(), values);
        meters.bindKafkaClient(producer);
        return GatedPublication.open(
                gate,
                new EvalGate(
                        gateMetrics,
                        gateLowerIsBetter.stream().filter(gateMetrics::contains).toList(),
                        gateTolerance),
                metrics,
                new ModelStore(store != null ? store : output.resolve("store")),
                new VersionPublisher(producer, topics().modelVersions().name()));
    }
}
