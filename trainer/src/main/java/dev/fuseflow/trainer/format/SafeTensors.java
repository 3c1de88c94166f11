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
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
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
    /** Bytes go to and from files in pieces this large. */
    private static final int COPY_PIECE = 8 << 20;
    /** Metadata key of the SHA-256 (lowercase hex) of a file's data section, which FuseFlow writes and checks. */
    public static final String DATA_SHA256 = "fuseflow_data_sha256";

    private static final String PLACEHOLDER = "0".repeat(64);

    private SafeTensors() {}

    /** The file's contents; {@code metadata} as its writer gave it (without FuseFlow's digest). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /**
     * Reads the header; each tensor's bytes stay in the file until asked for, so files and tensors of
     * any size work and the heap never holds the file. A file FuseFlow wrote carries the SHA-256 of
     * its data section in its metadata ({@value #DATA_SHA256}), checked here in one streamed pass: a
     * file altered or damaged since is refused, naming both digests.
     */
    public static Contents read(Path file) throws IOException {
        return read(file, true);
    }

    /** {@link #read}, the digest check left out where the caller checks the whole file already. */
    static Contents read(Path file, boolean checkDigest) throws IOException {
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
            Contents contents = parse(file, json, 8 + headerLength, size - 8 - headerLength);
            String digest = contents.metadata().remove(DATA_SHA256);
            if (digest != null && checkDigest) {
                String actual = Checksums.sha256(file, 8 + headerLength, size - 8 - headerLength);
                if (digest.equals(PLACEHOLDER)) {
                    throw new IOException(file + " is incomplete: FuseFlow's write of it stopped before its "
                            + DATA_SHA256 + " was filled in (its tensor bytes have SHA-256 " + actual + ")");
                }
                if (!actual.equals(digest)) {
                    throw new IOException(file + " was altered or damaged after FuseFlow wrote it: its tensor bytes"
                            + " have SHA-256 " + actual + ", its header's " + DATA_SHA256 + " says " + digest);
                }
            }
            return contents;
        }
    }

    private static Contents parse(Path file, JsonNode header, long dataStart, long dataSize) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        long dataEnd = 0;
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
            tensors.put(field.getKey(), tensor(file, field.getKey(), spec, dataStart + begin, end - begin));
            dataEnd = Math.max(dataEnd, end);
        }
        if (dataEnd != dataSize) {
            // safetensors itself refuses such files: bytes no tensor claims mean a file joined or copied wrongly.
            throw new IOException(file + " is not safetensors as written: its tensors end at byte " + dataEnd
                    + " of the data section, which has " + dataSize + " bytes");
        }
        return new Contents(tensors, metadata);
    }

    private static Tensor tensor(Path file, String name, JsonNode spec, long offset, long bytes) throws IOException {
        long[] shape = new long[spec.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = spec.path("shape").path(i).asLong();
        }
        TensorDType dtype = TensorDType.parse(spec.path("dtype").asText(), name);
        try {
            return Tensor.inFile(dtype, shape, file, offset, bytes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(file + ": tensor '" + name + "': " + e.getMessage(), e);
        }
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

    /** Takes a file's bytes in order, in pieces of any size. */
    @FunctionalInterface
    public interface ByteSink {
        void accept(ByteBuffer piece) throws IOException;
    }

    /** The bytes of one tensor of a file being written, asked for in the file's order and handed over in pieces. */
    @FunctionalInterface
    public interface TensorData {
        void write(Spec spec, ByteSink out) throws IOException;
    }

    /** Writes the tensors in the given order, the header padded with spaces to 8-byte alignment; returns the data's SHA-256. */
    public static String write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<Spec> specs = tensors.entrySet().stream()
                .map(e ->
                        new Spec(e.getKey(), e.getValue().dtype(), e.getValue().shape()))
                .toList();
        return write(file, specs, metadata, (spec, out) -> copy(tensors.get(spec.name()), out));
    }

    private static void copy(Tensor tensor, ByteSink out) throws IOException {
        ByteBuffer piece = ByteBuffer.allocate((int) Math.min(tensor.byteSize(), COPY_PIECE));
        for (long offset = 0; offset < tensor.byteSize(); offset += piece.capacity()) {
            piece.clear().limit((int) Math.min(piece.capacity(), tensor.byteSize() - offset));
            tensor.read(offset, piece);
            out.accept(piece.flip());
        }
    }

    /**
     * Writes the tensors {@code specs} lays out, each one's bytes asked of {@code data} in turn, so that
     * the heap holds one piece of a tensor at a time whatever the file's size. The SHA-256 of the data
     * section is computed on the way out and written into the header's {@value #DATA_SHA256} last, in
     * place of a placeholder of the same length; the digest is returned (lowercase hex).
     */
    public static String write(Path file, List<Spec> specs, Map<String, String> metadata, TensorData data)
            throws IOException {
        Header header = header(specs, metadata);
        MessageDigest sha256 = Checksums.sha256();
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(out, header.bytes());
            for (Spec spec : specs) {
                long[] written = {0};
                data.write(spec, piece -> {
                    written[0] += piece.remaining();
                    sha256.update(piece.duplicate());
                    writeFully(out, piece);
                });
                if (written[0] != spec.bytes()) {
                    throw new IllegalStateException("tensor '" + spec.name() + "' came with " + written[0]
                            + " bytes, its spec says " + spec.bytes());
                }
            }
            String digest = HexFormat.of().formatHex(sha256.digest());
            ByteBuffer value = ByteBuffer.wrap(digest.getBytes(StandardCharsets.US_ASCII));
            while (value.hasRemaining()) {
                out.write(value, header.digestAt() + value.position());
            }
            return digest;
        }
    }

    /** A file's first bytes (length and padded JSON) and where in them the digest's placeholder starts. */
    private record Header(ByteBuffer bytes, long digestAt) {}

    private static Header header(List<Spec> specs, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        // First in the header, so its byte position does not depend on names that may not be ASCII.
        ObjectNode meta = header.putObject(METADATA);
        meta.put(DATA_SHA256, PLACEHOLDER);
        metadata.forEach((key, value) -> {
            if (!key.equals(DATA_SHA256)) {
                meta.put(key, value);
            }
        });
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
        String start = "{\"" + METADATA + "\":{\"" + DATA_SHA256 + "\":\"";
        return new Header(prefix.flip(), 8 + start.length());
    }

    /** In slices: the JDK writes a heap buffer through a cached direct one as large as what it is given. */
    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        int end = bytes.limit();
        while (bytes.position() < end) {
            bytes.limit(Math.min(end, bytes.position() + COPY_PIECE));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
    }
}
