package dev.fuseflow.ops.cli;

import dev.fuseflow.runtime.config.Check;
import dev.fuseflow.runtime.config.Setting;
import dev.fuseflow.runtime.config.SettingSet;
import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.runtime.security.ComponentAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings of {@code fuseflow-ops}, declared once and bound to the subcommands' options
 * ({@code @Option(descriptionKey = KEY)}); one setting may be an option of several subcommands
 * ({@code ops.group-prefix} of status, watch and the exporter). The connection options are shared.
 */
final class OpsSettings {

    static final String HOST_KEY = "ops.host";
    static final String PORT_KEY = "ops.port";
    static final String EXPORTER_INTERVAL_KEY = "ops.exporter.interval";
    static final String GROUP_PREFIX_KEY = "ops.group-prefix";
    static final String HISTORY_KEY = "ops.history";
    static final String REJECTIONS_KEY = "ops.rejections";
    static final String TREND_WINDOW_KEY = "ops.trend-window";
    static final String WATCH_INTERVAL_KEY = "ops.watch.interval";
    static final String WATCH_COUNT_KEY = "ops.watch.count";
    static final String DLQ_PRINT_KEY = "ops.dlq.print";
    static final String STREAMS_APPLICATION_ID_KEY = "ops.acls.streams-application-id";
    static final String TRAINER_GROUP_ID_KEY = "ops.acls.trainer-group-id";
    static final String MODEL_NAME_KEY = "ops.acls.model-name";

    private static final ComponentAccess DEFAULTS = ComponentAccess.defaults();

    static final Setting<String> HOST = Setting.string(
            HOST_KEY,
            OpsHttpServer.LOOPBACK,
            "Interface of the exporter: this host only by default; 0.0.0.0 for every interface (a container).");
    static final Setting<Integer> PORT = Setting.integer(
                    PORT_KEY,
                    9406,
                    "HTTP port of the exporter: /metrics, /health and the status page (0: any free port).")
            .must(Check.between(0, 65_535));
    static final Setting<Duration> EXPORTER_INTERVAL = Setting.duration(
                    EXPORTER_INTERVAL_KEY, "10s", "How often the exporter refreshes the lag figures.")
            .must(Check.positive());
    static final Setting<String> GROUP_PREFIX = Setting.string(
            GROUP_PREFIX_KEY,
            "fuseflow",
            "Consumer groups whose id starts with this are watched (empty on the command line: all).");
    static final Setting<Integer> HISTORY =
            Setting.integer(HISTORY_KEY, 10, "Versions of each model shown.").must(Check.atLeast(0));
    static final Setting<Integer> REJECTIONS = Setting.integer(
                    REJECTIONS_KEY, 3, "Last rejections shown with their reasons.")
            .must(Check.atLeast(0));
    static final Setting<Duration> TREND_WINDOW = Setting.duration(
                    TREND_WINDOW_KEY, "3s", "status: time between the two looks that give each partition's trend.")
            .must(Check.positive());
    static final Setting<Duration> WATCH_INTERVAL = Setting.duration(
                    WATCH_INTERVAL_KEY, "5s", "watch: refresh interval.")
            .must(Check.positive());
    static final Setting<Long> WATCH_COUNT = Setting.longValue(
                    WATCH_COUNT_KEY, 0, "watch: stop after this many refreshes (0: until Ctrl-C).")
            .must(Check.atLeast(0L));
    static final Setting<Integer> DLQ_PRINT = Setting.integer(
                    DLQ_PRINT_KEY, 0, "dlq: also print the newest N dead letters.")
            .must(Check.atLeast(0));
    static final Setting<String> STREAMS_APPLICATION_ID = Setting.string(
            STREAMS_APPLICATION_ID_KEY,
            DEFAULTS.streamsApplicationId(),
            "acls: the stream processors' application.id, which their group, internal topics and transactional ids start with.");
    static final Setting<String> TRAINER_GROUP_ID =
            Setting.string(TRAINER_GROUP_ID_KEY, DEFAULTS.trainerGroupId(), "acls: the trainer's consumer group.");
    static final Setting<String> MODEL_NAME = Setting.string(
            MODEL_NAME_KEY,
            DEFAULTS.modelName(),
            "acls: the published model, which names the trainer's and the operators' transactional ids.");

    static final SettingSet ALL = SettingSet.of(
            "fuseflow-ops",
            Map.of(),
            List.of(
                    HOST,
                    PORT,
                    EXPORTER_INTERVAL,
                    GROUP_PREFIX,
                    HISTORY,
                    REJECTIONS,
                    TREND_WINDOW,
                    WATCH_INTERVAL,
                    WATCH_COUNT,
                    DLQ_PRINT,
                    STREAMS_APPLICATION_ID,
                    TRAINER_GROUP_ID,
                    MODEL_NAME));

    private OpsSettings() {}
}
