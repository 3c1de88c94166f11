package dev.fuseflow.producers.gateway.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys of the gateway's clients, read from a mounted secret: a folder with one file per
 * client (the file name is the client id, as a Kubernetes secret mounts its keys) or one file of
 * {@code client-id=key} lines. A key is given as itself or as {@code sha256:<hex>} of it; only the
 * SHA-256 is kept. Keys are random strings of at least {@link #MIN_KEY_LENGTH} characters, so a
 * plain SHA-256 suffices (a slow password hash guards guessable secrets, which these are not).
 */
public final class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    /** Shortest key accepted in clear: 32 hex characters are 128 random bits ({@code openssl rand -hex 32} gives 64). */
    public static final int MIN_KEY_LENGTH = 32;

    private static final String HASHED = "sha256:";
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /** One client: its id and the SHA-256 of its key. */
    private record Client(String id, byte[] sha256) {}

    private final Path source;
    private volatile List<Client> clients;

    private ApiKeys(Path source, List<Client> clients) {
        this.source = source;
        this.clients = clients;
    }

    /**
     * Reads the keys of {@code source}.
     *
     * @throws IllegalArgumentException naming the file, line or client that is wrong
     */
    public static ApiKeys load(Path source) {
        return new ApiKeys(source, read(source));
    }

    /**
     * The id of the client whose key {@code presented} is, comparing its hash with every client's
     * in constant time, so that the time taken tells nothing of how close a guess came.
     */
    public Optional<String> clientOf(String presented) {
        byte[] hash = sha256(presented);
        String found = null;
        for (Client client : clients) {
            if (MessageDigest.isEqual(client.sha256(), hash)) {
                found = client.id();
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return clients.size();
    }

    /**
     * Reads the keys again (a rotated secret); a source that became unreadable or invalid keeps the
     * keys in force and logs why.
     */
    public void reload() {
        try {
            List<Client> fresh = read(source);
            if (!same(fresh, clients)) {
                clients = fresh;
                LOG.info("API keys reloaded from {}: {} clients", source, fresh.size());
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "API keys in {} not reloaded, the {} known keys stay in force: {}", source, size(), e.getMessage());
        }
    }

    private static boolean same(List<Client> a, List<Client> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).id().equals(b.get(i).id())
                    || !Arrays.equals(a.get(i).sha256(), b.get(i).sha256())) {
                return false;
            }
        }
        return true;
    }

    private static List<Client> read(Path source) {
        List<Client> read = new ArrayList<>();
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.list(source)) {
                    // Kubernetes mounts a secret's keys as links beside hidden ..data entries: skip those.
                    for (Path file : files.filter(
                                    f -> !f.getFileName().toString().startsWith("."))
                            .filter(Files::isRegularFile)
                            .sorted()
                            .toList()) {
                        String id = file.getFileName().toString();
                        read.add(client(
                                id,
                                Files.readString(file, StandardCharsets.UTF_8).strip(),
                                file.toString()));
                    }
                }
            } else {
                List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    String where = source + " line " + (i + 1);
                    int equals = line.indexOf('=');
                    if (equals < 0) {
                        throw new IllegalArgumentException(where + ": must be client-id=key");
                    }
                    read.add(client(
                            line.substring(0, equals).strip(),
                            line.substring(equals + 1).strip(),
                            where));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    AccessSettings.API_KEYS.key() + ": cannot read " + source + ": " + e.getMessage(), e);
        }
        requireDistinct(read, source);
        return List.copyOf(read);
    }

    private static Client client(String id, String key, String where) {
        if (!CLIENT_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(where + ": client id '" + id
                    + "' must be 1 to 128 letters, digits or . _ @ - (starting with a letter or digit)");
        }
        if (key.startsWith(HASHED)) {
            String hex = key.substring(HASHED.length());
            if (!SHA256_HEX.matcher(hex).matches()) {
                throw new IllegalArgumentException(
                        where + ": the key of client " + id + " must be sha256: and 64 hex digits");
            }
            return new Client(id, HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
        }
        if (key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(where + ": the key of client " + id + " has " + key.length()
                    + " characters, a key needs at least " + MIN_KEY_LENGTH + " random ones (openssl rand -hex 32)");
        }
        return new Client(id, sha256(key));
    }

    private static void requireDistinct(List<Client> read, Path source) {
        if (read.isEmpty()) {
            throw new IllegalArgumentException(AccessSettings.API_KEYS.key() + ": " + source
                    + " names no client (no key file, no client-id=key line)");
        }
        for (int i = 0; i < read.size(); i++) {
            for (int j = i + 1; j < read.size(); j++) {
                if (read.get(i).id().equals(read.get(j).id())) {
                    throw new IllegalArgumentException(
                            source + ": client " + read.get(i).id() + " is named twice");
                }
                if (Arrays.equals(read.get(i).sha256(), read.get(j).sha256())) {
                    throw new IllegalArgumentException(
                            source + ": clients " + read.get(i).id() + " and "
                                    + read.get(j).id() + " have the same key; each client needs its own");
                }
            }
        }
    }

    /** SHA-256 of the key's UTF-8 bytes, as {@code sha256:<hex>} in a key file. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
