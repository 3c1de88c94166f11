package dev.fuseflow.producers.importer;

import dev.fuseflow.runtime.config.Check;
import dev.fuseflow.runtime.config.Setting;
import dev.fuseflow.runtime.config.SettingSet;
import dev.fuseflow.runtime.config.SharedSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings of {@code fuseflow-import}, declared once and bound to its options
 * ({@code @Option(descriptionKey = KEY)}); the connection options and the text limit are shared.
 */
final class ImportSettings {

    static final String FORMAT_KEY = "import.format";
    static final String LIMIT_KEY = "import.limit";
    static final String WINDOW_KEY = "import.window";
    static final String SCORER_KEY = "import.scorer";
    static final String TARGET_MODEL_KEY = "import.target-model";
    static final String TARGET_VERSION_KEY = "import.target-version";
    static final String PROGRESS_EVERY_KEY = "import.progress-every";

    static final Setting<ImportCommand.Format> FORMAT = Setting.enumeration(
            FORMAT_KEY,
            ImportCommand.Format.class,
            ImportCommand.Format.FUSEFLOW,
            "FUSEFLOW (one event per line) or ULTRAFEEDBACK (the common shape of public preference" + " datasets).");
    static final Setting<Long> LIMIT = Setting.longValue(
                    LIMIT_KEY, Long.MAX_VALUE, "Import at most this many new lines in this run.")
            .must(Check.atLeast(0L));
    static final Setting<Integer> WINDOW = Setting.integer(WINDOW_KEY, 1_000, "Lines between acknowledged checkpoints.")
            .must(Check.atLeast(1));
    static final Setting<String> SCORER =
            Setting.string(SCORER_KEY, "ultrafeedback/overall_score", "Scorer name of dataset scores.");
    static final Setting<String> TARGET_MODEL = Setting.string(
            TARGET_MODEL_KEY, null, "Dataset model name to import as the TARGET (the others are SOURCE).");
    static final Setting<Long> TARGET_VERSION = Setting.longValue(
                    TARGET_VERSION_KEY, 0, "Published version of --target-model.")
            .must(Check.atLeast(0L));
    static final Setting<Duration> PROGRESS_EVERY = Setting.duration(
                    PROGRESS_EVERY_KEY, "10s", "Interval of the progress bar.")
            .must(Check.positive());

    /** The importer's own settings (the shared ones come with the connection options). */
    static final SettingSet ALL = SettingSet.of(
            "fuseflow-import",
            Map.of(),
            List.of(
                    FORMAT,
                    LIMIT,
                    WINDOW,
                    SCORER,
                    TARGET_MODEL,
                    TARGET_VERSION,
                    PROGRESS_EVERY,
                    SharedSettings.MAX_TEXT_BYTES));

    private ImportSettings() {}
}
