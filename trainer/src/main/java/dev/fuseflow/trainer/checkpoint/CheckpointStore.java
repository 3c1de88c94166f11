package dev.fuseflow.trainer.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint folders {@code step-000000123} under one root, each either complete or absent: a
 * checkpoint is written into a temporary folder, every file and the folder are fsynced, and it is
 * atomically renamed into place, so a crash at any moment leaves the previous checkpoint as the
 * newest. Leftover temporary folders are removed on open; old checkpoints are pruned beyond
 * {@code retained}.
 */
public final class CheckpointStore {

    /** Fills a checkpoint folder; the store makes it durable and visible. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path folder) throws IOException;
    }

    private static final Pattern NAME = Pattern.compile("step-(\\d{9})");
    private static final String PARTIAL = ".partial-";

    private final Path root;
    private final int retained;

    public CheckpointStore(Path root, int retained) throws IOException {
        if (retained < 1) {
            throw new IllegalArgumentException("checkpoint retention must keep at least 1 checkpoint, got " + retained);
        }
        this.root = root;
        this.retained = retained;
        Files.createDirectories(root);
        try (Stream<Path> entries = Files.list(root)) {
            for (Path partial : entries.filter(p -> p.getFileName().toString().contains(PARTIAL))
                    .toList()) {
                deleteTree(partial);
            }
        }
    }

    /** Writes the checkpoint of {@code step} durably and atomically, then prunes; returns its folder. */
    public Path write(long step, Contents contents) throws IOException {
        Path target = root.resolve(folderName(step));
        if (Files.exists(target)) {
            throw new IllegalStateException(target + " exists already: checkpoint steps must increase");
        }
        writeAtomically(target, contents);
        prune();
        return target;
    }

    /**
     * Writes one file whole or not at all: {@code contents} writes a sibling temporary file, which
     * is fsynced and renamed over {@code file}. The file counterpart of {@link #writeAtomically}.
     */
    public static void writeFileAtomically(Path file, FileContents contents) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        contents.writeTo(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** What {@link #writeFileAtomically} writes: the whole file, at the path given. */
    public interface FileContents {
        void writeTo(Path file) throws IOException;
    }

    /**
     * Writes a folder that appears whole or not at all: filled under a temporary name beside it,
     * fsynced, renamed into place (replacing an earlier folder of that name), parent fsynced.
     */
    public static void writeAtomically(Path target, Contents contents) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve(target.getFileName() + PARTIAL + UUID.randomUUID());
        Files.createDirectories(partial);
        try {
            contents.writeTo(partial);
            fsyncTree(partial);
            if (Files.exists(target)) {
                // Out of the way under a partial name first: a crash now leaves garbage, never half a folder.
                Path old = parent.resolve(target.getFileName() + PARTIAL + "old-" + UUID.randomUUID());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
            fsync(parent);
        } catch (IOException | RuntimeException e) {
            deleteTree(partial);
            throw e;
        }
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() throws IOException {
        return complete(root);
    }

    /**
     * The complete checkpoints under {@code root}, oldest first, read without touching anything:
     * safe while another process writes there (opening a store removes partial folders).
     */
    public static List<Path> complete(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .sorted(Comparator.comparingLong(CheckpointStore::step))
                    .toList();
        }
    }

    public Optional<Path> newest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Bytes of all files under a checkpoint folder. */
    public static long size(Path checkpoint) throws IOException {
        try (Stream<Path> files = Files.walk(checkpoint)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /** The step a checkpoint folder holds. */
    public static long step(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint folder (step-NNNNNNNNN)");
        }
        return Long.parseLong(m.group(1));
    }

    /** The folder name of the checkpoint of {@code step}: {@code step-NNNNNNNNN}. */
    public static String folderName(long step) {
        if (step < 0 || step > 999_999_999L) {
            throw new IllegalArgumentException("checkpoint step must be in [0, 999999999], got " + step);
        }
        return String.format("step-%09d", step);
    }

    private void prune() throws IOException {
        List<Path> all = new ArrayList<>(list());
        while (all.size() > retained) {
            deleteTree(all.remove(0));
        }
    }

    private static void fsyncTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.toList()) {
                fsync(p);
            }
        }
    }

    private static void fsync(Path path) throws IOException {
        // Folders are opened read-only to sync their entries; Linux allows it, as Kafka's own Utils.flushDir does.
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
