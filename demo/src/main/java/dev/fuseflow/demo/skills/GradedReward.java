package dev.fuseflow.demo.skills;

/**
 * The workload's checker: 1 for the exact answer, otherwise the share of characters in place,
 * counted over the longer of answer and response (so padding or truncating costs), in [0, 1).
 * A response that only nearly matches always scores below the exact one.
 */
public final class GradedReward {

    private static final double NEARLY = 0.95;

    private GradedReward() {}

    public static double score(String expected, String response) {
        if (expected.equals(response)) {
            return 1.0;
        }
        int longer = Math.max(expected.length(), response.length());
        if (longer == 0) {
            return 0.0;
        }
        int inPlace = 0;
        for (int i = 0; i < Math.min(expected.length(), response.length()); i++) {
            inPlace += expected.charAt(i) == response.charAt(i) ? 1 : 0;
        }
        return NEARLY * inPlace / longer;
    }
}
