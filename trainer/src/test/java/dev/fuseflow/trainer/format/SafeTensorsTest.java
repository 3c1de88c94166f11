package dev.fuseflow.trainer.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(header).isEqualTo("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        assertThat(bytes.getFloat(8 + (int) headerLength)).isEqualTo(2f);
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
