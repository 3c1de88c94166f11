package dev.fuseflow.trainer.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader and writer of Hugging Face's safetensors format: an 8-byte little-endian header length,
 * a JSON header ({@code name -> {dtype, shape, data_offsets}} and optional {@code __metadata__}),
 * then the raw little-endian tensor bytes. Written here because no JVM library on Maven Central
 * reads it; the format is small and fully specified.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";
    /** A header larger than this is a corrupt file, not a model (safetensors itself caps it at 100 MB). */
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafeTensors() {}

    /** The file's contents. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Reads the header and maps each tensor's bytes (files beyond 2 GB work; a single tensor must stay below). */
    public static Contents read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new IOException(
                        file + " is not safetensors: " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new IOException(file + " is not safetensors: header length " + headerLength + " does not fit a "
                        + size + "-byte file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            channel.read(header, 8);
            JsonNode json = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            return parse(file, json, channel, 8 + headerLength, size - 8 - headerLength);
        }
    }

    private static Contents parse(Path file, JsonNode header, FileChannel channel, long dataStart, long dataSize)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA)) {
                field.getValue()
                        .fields()
                        .forEachRemaining(
                                m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode spec = field.getValue();
            long begin = spec.path("data_offsets").path(0).asLong(-1);
            long end = spec.path("data_offsets").path(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataSize) {
                throw new IOException(file + ": tensor '" + field.getKey() + "' has data_offsets [" + begin + ", " + end
                        + "] outside the " + dataSize + "-byte data section");
            }
            long[] shape = new long[spec.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = spec.path("shape").path(i).asLong();
            }
            ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
            tensors.put(
                    field.getKey(),
                    new Tensor(TensorDType.parse(spec.path("dtype").asText(), field.getKey()), shape, bytes));
        }
        return new Contents(tensors, metadata);
    }

    /** A tensor's name, type and shape: enough to lay a file out before any of its data exists. */
    public record Spec(String name, TensorDType dtype, long[] shape) {

        public Spec {
            shape = shape.clone();
        }

        public long bytes() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact) * dtype.bytes();
        }
    }

    /** The bytes of one tensor of a file being written, asked for in the file's order. */
    @FunctionalInterface
    public interface TensorData {
        ByteBuffer bytes(Spec spec) throws IOException;
    }

    /** Writes the tensors in the given order, the header padded with spaces to 8-byte alignment. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Spec> specs = tensors.entrySet().stream()
                .map(e ->
                        new Spec(e.getKey(), e.getValue().dtype(), e.getValue().shape()))
                .toList();
        write(file, specs, metadata, spec -> tensors.get(spec.name()).data().duplicate());
    }

    /**
     * Writes the tensors {@code specs} lays out, each one's bytes asked of {@code data} in turn, so that
     * only one tensor is in memory at a time whatever the file's size.
     */
    public static void write(Path file, List<Spec> specs, Map<String, String> metadata, TensorData data)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Spec t : specs) {
            ObjectNode spec = header.putObject(t.name());
            spec.put("dtype", t.dtype().name());
            var shape = spec.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            spec.putArray("data_offsets").add(offset).add(offset + t.bytes());
            offset += t.bytes();
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(out, prefix);
            for (Spec spec : specs) {
                ByteBuffer bytes = data.bytes(spec);
                if (bytes.remaining() != spec.bytes()) {
                    throw new IllegalStateException("tensor '" + spec.name() + "' came with " + bytes.remaining()
                            + " bytes, its spec says " + spec.bytes());
                }
                writeFully(out, bytes);
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }
}
