package dev.fuseflow.trainer.report;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The console progress bar of long commands: count, rate and ETA; one line every 10 s when not on a terminal (logs, CI). */
public final class Progress {

    private Progress() {}

    /** @param unit what is counted, e.g. "batches" */
    public static ProgressBar bar(String task, String unit, long total, long done, PrintStream out) {
        boolean terminal = System.console() != null && out == System.err;
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setMaxRenderedLength(120)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .startsFrom(done, Duration.ZERO);
        if (terminal) {
            builder.setConsumer(new ConsoleProgressBarConsumer(out));
        } else {
            builder.setConsumer(new DelegatingProgressBarConsumer(out::println)).setUpdateIntervalMillis(10_000);
        }
        return builder.build();
    }
}
