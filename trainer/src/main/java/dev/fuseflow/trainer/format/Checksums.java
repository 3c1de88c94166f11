package dev.fuseflow.trainer.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SHA-256 of weight files, streamed: FuseFlow's own files carry the digest of their data section
 * ({@link SafeTensors#DATA_SHA256}), and a Hugging Face hub cache snapshot names each LFS file's
 * blob after its digest ({@code snapshots/<rev>/model.safetensors -> ../../blobs/<sha256>}).
 */
public final class Checksums {

    private static final Logger LOG = LoggerFactory.getLogger(Checksums.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** Reads this large keep the digest fed without holding more than a sliver of a file. */
    private static final int PIECE = 1 << 20;
    /** Files above this report progress: hashing one takes seconds. */
    private static final long PROGRESS_ABOVE = 1L << 30;

    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private Checksums() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The SHA-256 (lowercase hex) of {@code length} bytes of the file from {@code from} on, in one streamed pass. */
    public static String sha256(Path file, long from, long length) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer piece = ByteBuffer.allocate((int) Math.min(PIECE, Math.max(length, 1)));
        long start = System.nanoTime();
        long lastReport = start;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long done = 0; done < length; ) {
                piece.clear().limit((int) Math.min(piece.capacity(), length - done));
                int read = channel.read(piece, from + done);
                if (read < 0) {
                    throw new IOException(file + " ended at byte " + (from + done) + " while being hashed: truncated?");
                }
                digest.update(piece.array(), 0, read);
                done += read;
                if (length > PROGRESS_ABOVE && System.nanoTime() - lastReport > PROGRESS_EVERY_NANOS) {
                    lastReport = System.nanoTime();
                    LOG.info("checking the SHA-256 of {}: {} of {} GB", file, gigabytes(done), gigabytes(length));
                }
            }
        }
        if (length > PROGRESS_ABOVE) {
            LOG.info(
                    "checked the SHA-256 of {} ({} GB) in {} s",
                    file,
                    gigabytes(length),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The digest a Hugging Face hub cache promises for {@code file}: the name of the blob it links to
     * when that name is a SHA-256 (LFS files; small git files are named by their git SHA-1 and have none).
     */
    static Optional<String> hubBlobDigest(Path file) throws IOException {
        if (!Files.isSymbolicLink(file)) {
            return Optional.empty();
        }
        Path target = Files.readSymbolicLink(file).getFileName();
        return target != null && SHA256_HEX.matcher(target.toString()).matches()
                ? Optional.of(target.toString())
                : Optional.empty();
    }

    /** Refuses a hub cache file whose content is not the digest its blob is named after (a damaged or partial download). */
    static void requireHubBlobIntact(Path file) throws IOException {
        Optional<String> expected = hubBlobDigest(file);
        if (expected.isEmpty()) {
            return;
        }
        String actual = sha256(file, 0, Files.size(file));
        if (!actual.equals(expected.get())) {
            throw new IOException(file + " links to the Hugging Face cache blob " + Files.readSymbolicLink(file)
                    + ", named for SHA-256 " + expected.get() + ", but its content has SHA-256 " + actual
                    + ": a damaged or partial download; delete the blob and download the model again");
        }
    }

    private static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e9);
    }
}
