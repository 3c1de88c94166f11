package dev.fuseflow.ops.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** What a status report covers (picocli mixin of status and watch). */
final class ReportOptions {

    @Option(names = "--group-prefix", descriptionKey = OpsSettings.GROUP_PREFIX_KEY)
    String groupPrefix;

    @Option(names = "--history", descriptionKey = OpsSettings.HISTORY_KEY)
    int history;

    @Option(names = "--rejections", descriptionKey = OpsSettings.REJECTIONS_KEY)
    int rejections;

    @Option(names = "--trend-window", descriptionKey = OpsSettings.TREND_WINDOW_KEY)
    Duration trendWindow;
}
