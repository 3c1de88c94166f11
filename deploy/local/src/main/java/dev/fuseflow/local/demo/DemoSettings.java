package dev.fuseflow.local.demo;

import java.time.Duration;

/**
 * How the demo app behaves.
 *
 * @param duration         how long it runs before it writes its results (the demo budget)
 * @param promptsPerRound  prompts answered per round (by every source and the target)
 * @param targetSamples    TARGET answers sampled per prompt (at least 2: the sample needs a best and a worst)
 * @param temperature      sampling temperature of the target's answers
 * @param thumbsRate       share of answers a user rates with thumbs
 * @param thumbsNoise      share of those thumbs that disagree with the checker (users are noisy)
 * @param heldOutPerSkill  held-out prompts per skill that measure every published version
 * @param seed             workload, sources and users draw from it
 */
public record DemoSettings(
        Duration duration,
        int promptsPerRound,
        int targetSamples,
        double temperature,
        double thumbsRate,
        double thumbsNoise,
        int heldOutPerSkill,
        long seed) {

    public DemoSettings {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("demo duration must be > 0, got " + duration);
        }
        if (promptsPerRound < 1 || targetSamples < 2 || heldOutPerSkill < 1) {
            throw new IllegalArgumentException(
                    "demo needs prompts per round >= 1, target samples >= 2 and held-out prompts >= 1; got "
                            + promptsPerRound + ", " + targetSamples + ", " + heldOutPerSkill);
        }
        if (!(thumbsRate >= 0 && thumbsRate <= 1) || !(thumbsNoise >= 0 && thumbsNoise <= 0.5)) {
            throw new IllegalArgumentException("thumbs rate must be in [0, 1] and thumbs noise in [0, 0.5]; got "
                    + thumbsRate + " and " + thumbsNoise);
        }
    }

    public DemoSettings withHeldOutPerSkill(int prompts) {
        return new DemoSettings(
                duration, promptsPerRound, targetSamples, temperature, thumbsRate, thumbsNoise, prompts, seed);
    }

    public DemoSettings withSeed(long newSeed) {
        return new DemoSettings(
                duration,
                promptsPerRound,
                targetSamples,
                temperature,
                thumbsRate,
                thumbsNoise,
                heldOutPerSkill,
                newSeed);
    }

    public static DemoSettings defaults(Duration duration) {
        return new DemoSettings(duration, 16, 3, 0.7, 0.3, 0.2, 30, 7);
    }
}
