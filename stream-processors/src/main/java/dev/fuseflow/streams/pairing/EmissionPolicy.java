package dev.fuseflow.streams.pairing;

/**
 * When a prompt yields a sample.
 *
 * @param minRewardGap     y_wt's reward minus y_l's must reach this
 * @param maxVersionLag    TARGET responses from a version more than this many versions behind the
 *                         newest published one are excluded (stale on-policy data is not on-policy)
 */
public record EmissionPolicy(double minRewardGap, int maxVersionLag) {

    public static final EmissionPolicy DEFAULT = new EmissionPolicy(0.1, 2);

    public EmissionPolicy {
        if (!(minRewardGap >= 0) || !Double.isFinite(minRewardGap)) {
            throw new IllegalArgumentException("minimum reward gap must be a finite number >= 0, got " + minRewardGap);
        }
        if (maxVersionLag < 0) {
            throw new IllegalArgumentException("maximum version lag must be >= 0, got " + maxVersionLag);
        }
    }
}
