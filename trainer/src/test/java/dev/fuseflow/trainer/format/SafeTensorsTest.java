package dev.fuseflow.trainer.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafeTensorsTest {

    @TempDir
    Path dir;

    private static Tensor halves(TensorDType dtype, long[] shape, short... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bits) {
            b.putShort(s);
        }
        return new Tensor(dtype, shape, b.flip());
    }

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(
                "transformer.wte.weight", Tensor.ofFloats(new long[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-8f, -0f}));
        tensors.put("half", halves(TensorDType.F16, new long[] {2}, (short) 0x3C00, (short) 0xC000));
        tensors.put("brain", halves(TensorDType.BF16, new long[] {1, 1}, (short) 0x3FC0));
        return tensors;
    }

    @Test
    void writeReadWriteIsBitForBit() throws IOException {
        Path first = dir.resolve("a.safetensors");
        SafeTensors.write(first, sample(), Map.of("format", "pt"));
        SafeTensors.Contents read = SafeTensors.read(first);
        assertThat(read.tensors()).isEqualTo(sample());
        assertThat(read.metadata()).containsEntry("format", "pt");
        Path second = dir.resolve("b.safetensors");
        SafeTensors.write(second, read.tensors(), read.metadata());
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
    }

    @Test
    void layoutIsLengthThenAlignedJsonThenData() throws IOException {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ofFloats(new long[] {1}, new float[] {2f})), Map.of());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = bytes.getLong(0);
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes.array(), 8, (int) headerLength, StandardCharsets.UTF_8).trim();
        assertThat(header)
                .isEqualTo("{\"__metadata__\":{\"fuseflow_data_sha256\":\"" + sha256Hex(new byte[] {0, 0, 0, 64})
                        + "\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        assertThat(bytes.getFloat(8 + (int) headerLength)).isEqualTo(2f);
    }

    /** Values that are exact in bf16, and in f16 below 2048, so that every dtype round-trips them. */
    private static float[] values(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (i % 2 == 0 ? 1 : -1) * (i % 251) / 8f;
        }
        return values;
    }

    @ParameterizedTest
    @EnumSource(
            value = TensorDType.class,
            names = {"F32", "F16", "BF16"})
    void tensorsWrittenInChunksReadBackWholeOrInChunks(TensorDType dtype) throws IOException {
        long[] shape = {13, 11}; // odd rows; a limit of 7 elements cuts every row in two
        float[] values = values(13 * 11);
        Path whole = dir.resolve("whole.safetensors");
        SafeTensors.write(whole, Map.of("w", Tensor.ofFloats(dtype, shape, values)), Map.of());
        for (long limit : new long[] {7, 30, 143}) {
            Path chunked = dir.resolve("chunked-" + limit + ".safetensors");
            SafeTensors.write(chunked, List.of(new SafeTensors.Spec("w", dtype, shape)), Map.of(), (spec, out) -> {
                for (Chunk chunk : Chunk.of(spec.shape(), limit)) {
                    int first = (int) chunk.firstElement();
                    out.accept(Tensor.encode(dtype, Arrays.copyOfRange(values, first, first + (int) chunk.elements())));
                }
            });
            assertThat(Files.readAllBytes(chunked)).as("limit %d", limit).isEqualTo(Files.readAllBytes(whole));

            Tensor read = SafeTensors.read(chunked).tensors().get("w");
            assertThat(read.toFloats()).containsExactly(values);
            for (Chunk chunk : Chunk.of(shape, limit)) {
                int first = (int) chunk.firstElement();
                assertThat(read.toFloats(first, (int) chunk.elements()))
                        .containsExactly(Arrays.copyOfRange(values, first, first + (int) chunk.elements()));
            }
        }
    }

    @Test
    void aFileAlteredAfterWritingIsRefusedNamingBothDigests() throws IOException {
        Path file = dir.resolve("w.safetensors");
        String digest = SafeTensors.write(file, sample(), Map.of("format", "pt"));
        assertThat(SafeTensors.read(file).metadata())
                .as("the digest is the file's, not its writer's metadata")
                .containsExactly(Map.entry("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 1;
        Files.write(file, bytes);
        String altered = sha256Hex(Arrays.copyOfRange(bytes, bytes.length - 30, bytes.length));

        assertThatThrownBy(() -> SafeTensors.read(file))
                .hasMessageContaining(file + " was altered or damaged after FuseFlow wrote it")
                .hasMessageContaining("SHA-256 " + altered)
                .hasMessageContaining("says " + digest);
    }

    @Test
    void aFileWhoseWriteStoppedBeforeItsDigestIsRefused() throws IOException {
        Path file = dir.resolve("w.safetensors");
        String digest = SafeTensors.write(file, sample(), Map.of());
        String bytes = Files.readString(file, StandardCharsets.ISO_8859_1);
        Files.writeString(file, bytes.replace(digest, "0".repeat(64)), StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .hasMessage(file + " is incomplete: FuseFlow's write of it stopped before its fuseflow_data_sha256"
                        + " was filled in (its tensor bytes have SHA-256 " + digest + ")");
    }

    @Test
    void bytesNoTensorClaimsAreRefused() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, sample(), Map.of());
        Files.write(file, new byte[] {0, 0, 0, 0}, StandardOpenOption.APPEND);

        assertThatThrownBy(() -> SafeTensors.read(file))
                .hasMessageContaining(file + " is not safetensors as written: its tensors end at byte 30 of the"
                        + " data section, which has 34 bytes");
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void halfAndBfloatWidenToFloat() throws IOException {
        Path file = dir.resolve("h.safetensors");
        SafeTensors.write(file, sample(), Map.of());
        Map<String, Tensor> read = SafeTensors.read(file).tensors();
        assertThat(read.get("half").toFloats()).containsExactly(1f, -2f);
        assertThat(read.get("brain").toFloats()).containsExactly(1.5f);
        assertThat(read.get("transformer.wte.weight").toFloats()).containsExactly(1, -2, 3.5f, 0, 1e-8f, -0f);
    }

    @Test
    void brokenFilesAreNamedWithTheProblem() throws IOException {
        Path tiny = Files.write(dir.resolve("tiny"), new byte[] {1, 2});
        assertThatThrownBy(() -> SafeTensors.read(tiny)).hasMessageContaining("shorter than the 8-byte header length");
        Path liar = Files.write(
                dir.resolve("liar"),
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1000)
                        .array());
        assertThatThrownBy(() -> SafeTensors.read(liar))
                .hasMessageContaining("header length 1000 does not fit a 16-byte file");
        byte[] json =
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length)
                .put(json);
        Path shortData = Files.write(dir.resolve("short"), file.array());
        assertThatThrownBy(() -> SafeTensors.read(shortData))
                .hasMessageContaining("tensor 'w' has data_offsets [0, 16] outside the 4-byte");
        assertThatThrownBy(() -> Tensor.ofFloats(new long[] {3}, new float[] {1, 2}))
                .hasMessage("a F32 tensor of shape [3] needs 12 bytes, got 8");
    }

    @Test
    void shardedCheckpointsAreJoinedThroughTheirIndex() throws IOException {
        Map<String, Tensor> all = sample();
        Map<String, Tensor> first = new LinkedHashMap<>();
        Map<String, Tensor> second = new LinkedHashMap<>();
        all.forEach((name, t) -> (name.equals("half") ? second : first).put(name, t));
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of());
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of());
        Files.writeString(
                dir.resolve(ShardedCheckpoint.INDEX_FILE),
                "{\"metadata\":{\"total_size\":38},\"weight_map\":{"
                        + "\"transformer.wte.weight\":\"model-00001-of-00002.safetensors\","
                        + "\"brain\":\"model-00001-of-00002.safetensors\","
                        + "\"half\":\"model-00002-of-00002.safetensors\"}}");
        assertThat(ShardedCheckpoint.read(dir)).isEqualTo(all);
    }
}
