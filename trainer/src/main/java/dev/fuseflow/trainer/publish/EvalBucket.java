package dev.fuseflow.trainer.publish;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which samples are held out: those whose id hashes into the first {@code percent} of 100
 * buckets. The hash is SHA-256, so the choice is stable across restarts, machines and versions,
 * and a held-out sample never trains.
 */
public record EvalBucket(int percent) {

    public EvalBucket {
        if (percent < 0 || percent >= 100) {
            throw new IllegalArgumentException("eval bucket must be in [0, 100) percent, got " + percent);
        }
    }

    public boolean heldOut(String sampleId) {
        if (percent == 0) {
            return false;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(sampleId.getBytes(StandardCharsets.UTF_8));
            int first =
                    ((hash[0] & 0xff) << 24) | ((hash[1] & 0xff) << 16) | ((hash[2] & 0xff) << 8) | (hash[3] & 0xff);
            return Math.floorMod(first, 100) < percent;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
