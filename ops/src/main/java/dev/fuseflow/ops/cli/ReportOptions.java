package dev.fuseflow.ops.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** What a status report covers (picocli mixin of status and watch). */
final class ReportOptions {

    @Option(names = "--group-prefix", defaultValue = "fuseflow",
            description = "Consumer groups whose id starts with this (default: ${DEFAULT-VALUE}; empty: all).")
    String groupPrefix;

    @Option(names = "--history", defaultValue = "10", description = "Versions of each model shown (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--rejections", defaultValue = "3", description = "Last rejections shown with reasons (default: ${DEFAULT-VALUE}).")
    int rejections;

    @Option(names = "--trend-window", defaultValue = "PT3S", description = "status: time between the two looks that give the trend.")
    Duration trendWindow;
}
