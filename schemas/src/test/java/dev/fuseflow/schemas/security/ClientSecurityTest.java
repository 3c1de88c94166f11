package dev.fuseflow.schemas.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.schemas.registry.RegistryClientConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSecurityTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultIsPlaintextWithoutRegistryCredentials() {
        assertThat(ClientSecurity.NONE.kafkaProperties()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
        assertThat(ClientSecurity.NONE.registryProperties()).isEmpty();
    }

    @Test
    void saslScramOverTlsFromAFileWithThePasswordFromTheEnvironment() throws Exception {
        Path truststore = Files.writeString(dir.resolve("truststore.p12"), "x");
        Path file = Files.writeString(
                dir.resolve("security.properties"),
                String.join(
                        "\n",
                        "fuseflow.security.protocol=SASL_SSL",
                        "fuseflow.security.sasl.username=trainer",
                        "fuseflow.security.sasl.password=from-file",
                        "fuseflow.security.ssl.truststore.location=" + truststore,
                        "fuseflow.security.ssl.truststore.password=changeit",
                        "fuseflow.security.registry.user-info=trainer:reg"));

        ClientSecurity security =
                ClientSecurity.load(Optional.of(file), Map.of("FUSEFLOW_SECURITY_SASL_PASSWORD", "from \"env\""));

        Map<String, String> kafka = security.kafkaProperties();
        assertThat(kafka)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", truststore.toString())
                .containsEntry("ssl.truststore.password", "changeit");
        // The JAAS line parses, with the quote in the password escaped, and carries the environment's password.
        var entries = JaasContext.loadClientContext(
                        Map.of("sasl.jaas.config", new Password(kafka.get("sasl.jaas.config"))))
                .configurationEntries();
        assertThat(entries).singleElement().satisfies(entry -> {
            assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
            assertThat(entry.getOptions().get("username")).isEqualTo("trainer");
            assertThat(entry.getOptions().get("password")).isEqualTo("from \"env\"");
        });
        assertThat(security.registryProperties())
                .containsEntry(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO")
                .containsEntry(RegistryClientConfig.USER_INFO, "trainer:reg");
        assertThat(security.describe())
                .contains("trainer")
                .doesNotContain("from")
                .doesNotContain("reg\"");
        assertThat(security.toString()).doesNotContain("from \"env\"");
    }

    @Test
    void thePasswordCanComeFromAMountedSecretFile() throws Exception {
        Path secret = Files.writeString(dir.resolve("password"), "s3cret\n");
        ClientSecurity security = ClientSecurity.load(
                Optional.empty(),
                Map.of(
                        "FUSEFLOW_SECURITY_PROTOCOL",
                        "SASL_PLAINTEXT",
                        "FUSEFLOW_SECURITY_SASL_USERNAME",
                        "streams",
                        "FUSEFLOW_SECURITY_SASL_PASSWORD_FILE",
                        secret.toString()));
        assertThat(security.password()).contains("s3cret");
        assertThat(security.kafkaProperties())
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .doesNotContainKey("ssl.truststore.location");
    }

    @Test
    void badSettingsNameTheKeyAndWhatToDo() {
        assertThatThrownBy(
                        () -> ClientSecurity.load(Optional.empty(), Map.of("FUSEFLOW_SECURITY_PROTOCOL", "SASL_TLS")))
                .hasMessageContaining("fuseflow.security.protocol")
                .hasMessageContaining("SASL_SSL")
                .hasMessageContaining("SASL_TLS");
        assertThatThrownBy(
                        () -> ClientSecurity.load(Optional.empty(), Map.of("FUSEFLOW_SECURITY_PROTOCOL", "SASL_SSL")))
                .hasMessageContaining("fuseflow.security.sasl.username")
                .hasMessageContaining("FUSEFLOW_SECURITY_SASL_PASSWORD");
        assertThatThrownBy(() ->
                        ClientSecurity.load(Optional.empty(), Map.of("FUSEFLOW_SECURITY_SASL_USERNAME", "trainer")))
                .hasMessageContaining("is PLAINTEXT")
                .hasMessageContaining("SASL_SSL");
        assertThatThrownBy(() -> ClientSecurity.load(
                        Optional.empty(),
                        Map.of(
                                "FUSEFLOW_SECURITY_PROTOCOL",
                                "SSL",
                                "FUSEFLOW_SECURITY_SSL_TRUSTSTORE_LOCATION",
                                dir.resolve("missing.p12").toString())))
                .hasMessageContaining("fuseflow.security.ssl.truststore.location")
                .hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> ClientSecurity.load(
                        Optional.empty(), Map.of("FUSEFLOW_SECURITY_REGISTRY_USER_INFO", "no-colon")))
                .hasMessageContaining("fuseflow.security.registry.user-info")
                .hasMessageContaining("user:password");
        assertThatThrownBy(() ->
                        ClientSecurity.load(Optional.empty(), Map.of("FUSEFLOW_SECURITY_SASL_MECHANISM", "GSSAPI")))
                .hasMessageContaining("fuseflow.security.sasl.mechanism");
    }
}
