package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.local.demo.DemoComparison.Run;
import dev.fuseflow.trainer.report.PairedDifference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The comparison's text: each arm's held-out reward over its seeds, then the experiment's claims as paired differences. */
final class ComparisonReport {

    /** The comparisons the experiment's claims rest on, first against second, where both arms ran. */
    private static final List<List<String>> CLAIMS = List.of(
            List.of(DemoComparison.WRPO.name(), DemoComparison.SFT_DPO.name()),
            List.of(DemoComparison.SFT_DPO.name(), DemoComparison.SFT.name()),
            List.of(DemoComparison.WRPO.name(), DemoComparison.SFT.name()),
            List.of(DemoComparison.WRPO_ALPHA_03.name(), DemoComparison.WRPO.name()));

    private ComparisonReport() {}

    /**
     * Per arm: seeds, and mean ± sd of the newest version's and the end of SFT's held-out reward, per skill and
     * overall; then each claim's paired difference of the newest versions, seed by seed, and of the preference
     * stage's gain over the end of SFT.
     */
    static String of(List<Run> runs) {
        Map<String, List<Run>> byArm = byArm(runs);
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%-10s %5s %-11s", "arm", "seeds", "version"));
        for (Skill skill : Skill.values()) {
            text.append(String.format(Locale.ROOT, " %15s", skill.promptName()));
        }
        text.append(String.format(Locale.ROOT, " %15s%n", "mean"));
        byArm.forEach((arm, list) -> {
            armRow(text, arm, list, "end of SFT", Run::endOfSft);
            armRow(text, arm, list, "newest", Run::newest);
        });
        claims(text, byArm, "the newest version's held-out reward", ComparisonReport::newest);
        claims(text, byArm, "the preference stage's gain (newest minus end of SFT; secondary)", ComparisonReport::gain);
        return text.toString();
    }

    /** Each claim's paired difference of {@code measure}, over the mean of the skills and over add. */
    private static void claims(
            StringBuilder text,
            Map<String, List<Run>> byArm,
            String title,
            BiFunction<Run, ToDoubleFunction<LearningBoard.Row>, Double> measure) {
        text.append(String.format(Locale.ROOT, "%npaired differences of %s (mean over skills; add):%n", title));
        for (List<String> claim : CLAIMS) {
            if (byArm.containsKey(claim.get(0)) && byArm.containsKey(claim.get(1))) {
                for (String metric : List.of("mean", Skill.ADD.promptName())) {
                    ToDoubleFunction<LearningBoard.Row> reward =
                            metric.equals("mean") ? row -> row.reward().mean() : ComparisonReport::add;
                    PairedDifference d = PairedDifference.of(
                            claim.get(0),
                            bySeed(byArm.get(claim.get(0)), run -> measure.apply(run, reward)),
                            claim.get(1),
                            bySeed(byArm.get(claim.get(1)), run -> measure.apply(run, reward)));
                    text.append(describe(d, metric));
                }
            }
        }
    }

    private static double newest(Run run, ToDoubleFunction<LearningBoard.Row> reward) {
        return reward.applyAsDouble(run.newest());
    }

    /** What the preference stage added to the SFT model it started from: the arms' SFT stages differ by run. */
    private static double gain(Run run, ToDoubleFunction<LearningBoard.Row> reward) {
        return reward.applyAsDouble(run.newest()) - reward.applyAsDouble(run.endOfSft());
    }

    private static String describe(PairedDifference d, String metric) {
        String seeds = d.differences().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "s%d %+.3f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format(
                Locale.ROOT,
                "  %-9s - %-9s %-4s %+.3f (2 SE paired %.3f, unpaired %.3f)%s  [%s]%n",
                d.first(),
                d.second(),
                metric,
                d.mean(),
                d.twoStandardErrors(),
                d.twoStandardErrorsUnpaired(),
                d.exceedsTwoStandardErrors() ? " > 2 SE" : "",
                seeds);
    }

    private static void armRow(
            StringBuilder text, String arm, List<Run> list, String label, Function<Run, LearningBoard.Row> version) {
        text.append(String.format(Locale.ROOT, "%-10s %5d %-11s", arm, list.size(), label));
        for (Skill skill : Skill.values()) {
            text.append(meanSd(list, run -> skill(version.apply(run), skill)));
        }
        text.append(meanSd(list, run -> version.apply(run).reward().mean()));
        text.append(System.lineSeparator());
    }

    private static String meanSd(List<Run> runs, ToDoubleFunction<Run> value) {
        double[] values = runs.stream().mapToDouble(value).toArray();
        return String.format(Locale.ROOT, " %7.3f +- %.3f", PairedDifference.mean(values), PairedDifference.sd(values));
    }

    private static Map<Long, Double> bySeed(List<Run> runs, ToDoubleFunction<Run> value) {
        Map<Long, Double> bySeed = new LinkedHashMap<>();
        runs.forEach(run -> bySeed.put(run.seed(), value.applyAsDouble(run)));
        return bySeed;
    }

    static Map<String, List<Run>> byArm(List<Run> runs) {
        Map<String, List<Run>> byArm = new LinkedHashMap<>();
        runs.forEach(
                run -> byArm.computeIfAbsent(run.arm(), k -> new ArrayList<>()).add(run));
        return byArm;
    }

    static double add(LearningBoard.Row row) {
        return skill(row, Skill.ADD);
    }

    private static double skill(LearningBoard.Row row, Skill skill) {
        return row.reward().perSkill().getOrDefault(skill, Double.NaN);
    }
}
