package dev.fuseflow.streams.pairing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Deterministic sample ids: SHA-256 over the prompt id, the three generation ids and the sorted
 * feedback ids that scored them, so that the same evidence always gives the same id (replays
 * deduplicate) and new evidence gives a new one.
 */
public final class SampleIds {

    private SampleIds() {}

    /** One digest per thread: looking the algorithm up for every decision showed in the stream thread's profile. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    });

    public static String of(String promptId, Selection selection, List<String> sortedFeedbackIds) {
        MessageDigest sha256 = SHA_256.get();
        sha256.reset();
        update(sha256, promptId);
        update(sha256, selection.sourceChosen().generationId());
        update(sha256, selection.targetChosen().generationId());
        update(sha256, selection.targetRejected().generationId());
        sortedFeedbackIds.forEach(id -> update(sha256, id));
        return HexFormat.of().formatHex(sha256.digest(), 0, 16);
    }

    private static void update(MessageDigest digest, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        // A length prefix keeps ("ab","c") and ("a","bc") apart.
        digest.update(new byte[] {
            (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length
        });
        digest.update(bytes);
    }
}
