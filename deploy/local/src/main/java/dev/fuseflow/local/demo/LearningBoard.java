package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.trainer.report.TrainingCurves;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The learning result: every served target version's held-out reward per skill, next to each
 * source's on the same prompts. The held-out prompts never occur in the workload's traffic
 * ({@code SkillWorkload.isHeldOut}), so no version was trained on them.
 */
final class LearningBoard {

    /**
     * One measured target version.
     *
     * @param seconds         when the app began serving it, since the demo started (the start model: 0)
     * @param preferenceStage published from the preference stage (WRPO or DPO), not SFT
     */
    record Row(long version, double seconds, TaskReward reward, boolean preferenceStage) {}

    private final List<SkillPrompt> heldOut;
    private final Map<String, TaskReward> sources = new LinkedHashMap<>();
    private final List<Row> target = new ArrayList<>();

    /** Measures every source on {@code heldOut} once: a source does not change during the demo. */
    LearningBoard(List<SkillPrompt> heldOut, List<DemoSource> demoSources) {
        this.heldOut = List.copyOf(heldOut);
        for (DemoSource source : demoSources) {
            sources.put(source.name(), source.measure(heldOut));
        }
    }

    List<SkillPrompt> heldOut() {
        return heldOut;
    }

    synchronized void measured(long version, double seconds, TaskReward reward, boolean preferenceStage) {
        target.add(new Row(version, seconds, reward, preferenceStage));
    }

    /** The last version published in the SFT stage, once a preference-stage version exists. */
    synchronized Optional<Row> endOfSft() {
        return endOfSft(target);
    }

    /** The last of {@code served} published in the SFT stage, once one published in the preference stage follows. */
    static Optional<Row> endOfSft(List<Row> served) {
        if (served.stream().noneMatch(Row::preferenceStage)) {
            return Optional.empty();
        }
        return served.stream().filter(row -> !row.preferenceStage()).reduce((first, second) -> second);
    }

    synchronized List<Row> target() {
        return List.copyOf(target);
    }

    Map<String, TaskReward> sources() {
        return sources;
    }

    /** The best single source's mean reward over the skill mix: what the target must beat. */
    double bestSourceMean() {
        return sources.values().stream().mapToDouble(TaskReward::mean).max().orElse(Double.NaN);
    }

    /**
     * A short table: the start model, the end of SFT (once the preference stage has published), the
     * newest version and every source, per skill.
     */
    synchronized String table() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-26s", "held-out reward"));
        for (Skill skill : Skill.values()) {
            text.append(String.format(Locale.ROOT, " %8s", skill.promptName()));
        }
        text.append(String.format(Locale.ROOT, " %8s%n", "mean"));
        if (!target.isEmpty()) {
            Row start = target.get(0);
            row(text, "target v" + start.version() + " (start)", start.reward());
            Optional<Row> endOfSft = endOfSft().filter(row -> row != start);
            endOfSft.ifPresent(row -> row(text, "target v" + row.version() + " (end of SFT)", row.reward()));
            Row newest = target.get(target.size() - 1);
            if (newest != start && endOfSft.map(row -> row != newest).orElse(true)) {
                row(text, "target v" + newest.version() + " (newest)", newest.reward());
            }
        }
        sources.forEach((name, reward) -> row(text, name, reward));
        return text.toString();
    }

    private static void row(StringBuilder text, String name, TaskReward reward) {
        text.append(String.format(Locale.ROOT, "%-26s", name));
        for (Skill skill : Skill.values()) {
            text.append(String.format(Locale.ROOT, " %8.3f", reward.perSkill().getOrDefault(skill, Double.NaN)));
        }
        text.append(String.format(Locale.ROOT, " %8.3f%n", reward.mean()));
    }

    /** {@code learning.csv} and {@code reward-by-skill.png} (one line per skill and the mean, sources as flat lines). */
    synchronized List<Path> write(Path directory) throws IOException {
        Files.createDirectories(directory);
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(directory.resolve("learning.csv")))) {
            csv.print("model,version,stage,seconds");
            for (Skill skill : Skill.values()) {
                csv.print("," + skill.promptName());
            }
            csv.println(",mean");
            target.forEach(row -> csvRow(
                    csv,
                    "target",
                    String.format(
                            Locale.ROOT,
                            "%d,%s,%.1f",
                            row.version(),
                            row.preferenceStage() ? "preference" : "sft",
                            row.seconds()),
                    row.reward()));
            sources.forEach((name, reward) -> csvRow(csv, name, ",,", reward));
        }
        TrainingCurves curves = new TrainingCurves("published version");
        List<String> series = new ArrayList<>();
        for (Row row : target) {
            Map<String, Double> points = new LinkedHashMap<>();
            row.reward().perSkill().forEach((skill, value) -> points.put("target " + skill.promptName(), value));
            points.put("target mean", row.reward().mean());
            sources.forEach((name, reward) -> points.put(name + " mean", reward.mean()));
            series = List.copyOf(points.keySet());
            curves.record(row.version(), points);
        }
        List<Path> written = new ArrayList<>(curves.write(
                directory,
                List.of(new TrainingCurves.Chart(
                        "reward-by-skill", "Held-out reward per skill of each published target version", series))));
        written.add(0, directory.resolve("learning.csv"));
        return written;
    }

    private static void csvRow(PrintWriter csv, String model, String version, TaskReward reward) {
        csv.print(model + "," + version);
        for (Skill skill : Skill.values()) {
            csv.printf(Locale.ROOT, ",%.4f", reward.perSkill().getOrDefault(skill, Double.NaN));
        }
        csv.printf(Locale.ROOT, ",%.4f%n", reward.mean());
    }
}
