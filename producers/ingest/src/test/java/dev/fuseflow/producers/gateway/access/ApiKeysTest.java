package dev.fuseflow.producers.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aFileOfLinesNamesClientsByKeyOrByTheKeysHash() throws Exception {
        String hashed = "f".repeat(40);
        Path file = Files.writeString(
                dir.resolve("keys.properties"),
                "# rotated 2026-12\n\napp-a = " + KEY + "\napp-b=sha256:"
                        + HexFormat.of().withUpperCase().formatHex(ApiKeys.sha256(hashed)) + "\n");
        ApiKeys keys = ApiKeys.load(file);
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.clientOf(KEY)).contains("app-a");
        assertThat(keys.clientOf(hashed)).contains("app-b");
        assertThat(keys.clientOf(KEY + "x")).isEmpty();
        assertThat(keys.clientOf("")).isEmpty();
    }

    @Test
    void everyMistakeInTheSecretNamesWhereItIs() throws Exception {
        assertThatThrownBy(() -> ApiKeys.load(Files.writeString(dir.resolve("a"), "app-a " + KEY)))
                .hasMessageEndingWith("a line 1: must be client-id=key");
        assertThatThrownBy(() -> ApiKeys.load(Files.writeString(dir.resolve("b"), "app-a=secret")))
                .hasMessageEndingWith("b line 1: the key of client app-a has 6 characters, a key needs at least 32"
                        + " random ones (openssl rand -hex 32)");
        assertThatThrownBy(() -> ApiKeys.load(Files.writeString(dir.resolve("c"), "app-a=sha256:abc")))
                .hasMessageContaining("the key of client app-a must be sha256: and 64 hex digits");
        assertThatThrownBy(() -> ApiKeys.load(Files.writeString(dir.resolve("d"), "a/b=" + KEY)))
                .hasMessageContaining("client id 'a/b' must be 1 to 128 letters");
        assertThatThrownBy(() -> ApiKeys.load(Files.writeString(dir.resolve("e"), "app-a=" + KEY + "\napp-b=" + KEY)))
                .hasMessageEndingWith("clients app-a and app-b have the same key; each client needs its own");
        assertThatThrownBy(() -> ApiKeys.load(Files.writeString(
                        dir.resolve("f"), "app-a=" + KEY + "\napp-a=" + KEY.toUpperCase(Locale.ROOT))))
                .hasMessageEndingWith("client app-a is named twice");
        assertThatThrownBy(() -> ApiKeys.load(Files.createDirectories(dir.resolve("empty"))))
                .hasMessageStartingWith("gateway.auth.api-keys: ")
                .hasMessageEndingWith("names no client (no key file, no client-id=key line)");
        assertThatThrownBy(() -> ApiKeys.load(dir.resolve("absent")))
                .hasMessageStartingWith("gateway.auth.api-keys: cannot read ");
    }
}
