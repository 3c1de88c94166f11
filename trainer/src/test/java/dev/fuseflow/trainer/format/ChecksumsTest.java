package dev.fuseflow.trainer.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face hub cache snapshot links each LFS file to a blob named after its SHA-256; a blob
 * whose content does not hash to its name is a damaged or partial download, refused before use.
 */
class ChecksumsTest {

    @TempDir
    Path dir;

    @Test
    void aHubSnapshotWhoseBlobMatchesItsNameIsRead() throws IOException {
        Path snapshot = hubSnapshot(weights());

        assertThat(ShardedCheckpoint.read(snapshot)).containsOnlyKeys("w");
    }

    @Test
    void aHubBlobWhoseContentDoesNotMatchItsNameIsRefusedNamingBothDigests() throws IOException {
        byte[] good = weights();
        Path snapshot = hubSnapshot(good);
        Path blob = snapshot.resolve(ShardedCheckpoint.SINGLE_FILE).toRealPath();
        byte[] damaged = good.clone();
        damaged[damaged.length - 1] ^= 1;
        Files.write(blob, damaged);

        assertThatThrownBy(() -> ShardedCheckpoint.read(snapshot))
                .hasMessageContaining(snapshot.resolve(ShardedCheckpoint.SINGLE_FILE) + " links to the Hugging Face"
                        + " cache blob ../../blobs/" + SafeTensorsTest.sha256Hex(good))
                .hasMessageContaining("named for SHA-256 " + SafeTensorsTest.sha256Hex(good))
                .hasMessageContaining("but its content has SHA-256 " + SafeTensorsTest.sha256Hex(damaged))
                .hasMessageContaining("delete the blob and download the model again");
    }

    @Test
    void aSymlinkToAFileNotNamedByADigestIsNotChecked() throws IOException {
        Path elsewhere = Files.write(dir.resolve("elsewhere.safetensors"), weights());
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.createSymbolicLink(model.resolve(ShardedCheckpoint.SINGLE_FILE), elsewhere);

        assertThat(Checksums.hubBlobDigest(model.resolve(ShardedCheckpoint.SINGLE_FILE)))
                .isEmpty();
        assertThat(ShardedCheckpoint.read(model)).containsOnlyKeys("w");
    }

    @Test
    void aStreamedDigestCoversTheRangeAskedFor() throws IOException {
        byte[] bytes = new byte[3 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("bytes"), bytes);

        assertThat(Checksums.sha256(file, 0, bytes.length)).isEqualTo(SafeTensorsTest.sha256Hex(bytes));
        assertThat(Checksums.sha256(file, 5, 100))
                .isEqualTo(SafeTensorsTest.sha256Hex(Arrays.copyOfRange(bytes, 5, 105)));
    }

    private byte[] weights() throws IOException {
        Path file = dir.resolve("source.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4})), Map.of());
        return Files.readAllBytes(file);
    }

    /** The hub's layout: {@code snapshots/<rev>/model.safetensors -> ../../blobs/<sha256>}. */
    private Path hubSnapshot(byte[] weights) throws IOException {
        Path repo = dir.resolve("models--org--tiny");
        String sha = SafeTensorsTest.sha256Hex(weights);
        Files.write(Files.createDirectories(repo.resolve("blobs")).resolve(sha), weights);
        Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abcd"));
        Files.createSymbolicLink(snapshot.resolve(ShardedCheckpoint.SINGLE_FILE), Path.of("../../blobs/" + sha));
        return snapshot;
    }
}
