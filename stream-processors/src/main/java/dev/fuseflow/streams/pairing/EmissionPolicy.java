package dev.fuseflow.streams.pairing;

import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_VERSION_LAG;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MIN_REWARD_GAP;

/**
 * When a prompt yields a sample; defaults and rules are the settings' ({@code StreamProcessorSettings}).
 *
 * @param minRewardGap     y_wt's reward minus y_l's must reach this
 * @param maxVersionLag    TARGET responses from a version more than this many versions behind the
 *                         newest published one are excluded (stale on-policy data is not on-policy)
 */
public record EmissionPolicy(double minRewardGap, int maxVersionLag) {

    public static final EmissionPolicy DEFAULT =
            new EmissionPolicy(MIN_REWARD_GAP.defaultValue(), MAX_VERSION_LAG.defaultValue());

    public EmissionPolicy {
        MIN_REWARD_GAP.require("minimum reward gap", minRewardGap);
        MAX_VERSION_LAG.require("maximum version lag", maxVersionLag);
    }
}
