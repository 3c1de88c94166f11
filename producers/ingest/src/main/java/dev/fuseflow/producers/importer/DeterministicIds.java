package dev.fuseflow.producers.importer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** Ids derived from content, so that importing the same line again gives the same ids. */
final class DeterministicIds {

    private DeterministicIds() {}

    /** A name-based UUID (RFC 4122 version 3) of the parts joined by a separator no part contains. */
    static String uuid(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u001f", parts).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** The first 16 hex digits of the SHA-256 of a text. */
    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
