package dev.fuseflow.streams.pairing;

/** The WRPO triple chosen for a prompt: y_ws, y_wt and y_l. */
public record Selection(Candidate sourceChosen, Candidate targetChosen, Candidate targetRejected) {

    /** Reward of y_wt minus reward of y_l. */
    public double rewardGap() {
        return targetChosen.reward() - targetRejected.reward();
    }
}
