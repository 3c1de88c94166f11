package dev.fuseflow.producers.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.producers.gateway.GatewaySettings;
import dev.fuseflow.runtime.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessConfigTest {

    private static AccessConfig load(Map<String, String> env, Map<String, String> set) {
        return AccessConfig.from(Settings.load(GatewaySettings.ALL, Optional.empty(), env, set));
    }

    @Test
    void byDefaultNoKeysARateLimitNoCorsAndPlainHttp() {
        AccessConfig defaults = load(Map.of(), Map.of());
        assertThat(defaults.apiKeys()).isEmpty();
        assertThat(defaults.allowUnauthenticated()).isFalse();
        assertThat(defaults.ratePerSecond()).isEqualTo(100);
        assertThat(defaults.burst()).isEqualTo(200);
        assertThat(defaults.allowedOrigins()).isEmpty();
        assertThat(defaults.tls()).isEmpty();
    }

    @Test
    void theSettingsReachTheConfig() {
        AccessConfig config = load(
                Map.of(
                        "FUSEFLOW_GATEWAY_AUTH_API_KEYS", "/etc/fuseflow/api-keys",
                        "FUSEFLOW_GATEWAY_CORS_ALLOWED_ORIGINS", "https://a.example, http://localhost:3000/",
                        "FUSEFLOW_GATEWAY_TLS_CERTIFICATE", "/tls/tls.crt",
                        "FUSEFLOW_GATEWAY_TLS_PRIVATE_KEY", "/tls/tls.key"),
                Map.of("gateway.rate-limit.per-second", "2.5"));
        assertThat(config.apiKeys()).contains(Path.of("/etc/fuseflow/api-keys"));
        assertThat(config.allowedOrigins()).containsExactly("https://a.example", "http://localhost:3000");
        assertThat(config.tls()).contains(TlsConfig.pem(Path.of("/tls/tls.crt"), Path.of("/tls/tls.key")));
        assertThat(config.ratePerSecond()).isEqualTo(2.5);
    }

    @Test
    void anOAuth2IssuerNeedsItsKeysAndAudience() {
        AccessConfig config = load(
                Map.of(
                        "FUSEFLOW_GATEWAY_AUTH_OAUTH2_ISSUER", "https://id.example/realms/apps",
                        "FUSEFLOW_GATEWAY_AUTH_OAUTH2_JWKS_URL", "https://id.example/realms/apps/certs",
                        "FUSEFLOW_GATEWAY_AUTH_OAUTH2_AUDIENCE", "fuseflow-gateway"),
                Map.of());
        assertThat(config.oauth2())
                .contains(new OAuth2Config(
                        "https://id.example/realms/apps",
                        URI.create("https://id.example/realms/apps/certs"),
                        "fuseflow-gateway",
                        "sub"));
        assertThat(config.authenticates()).isTrue();
        assertThatCode(() -> config.requireProtected("0.0.0.0")).doesNotThrowAnyException();
        assertThatThrownBy(() -> load(Map.of(), Map.of("gateway.auth.oauth2.issuer", "https://id.example")))
                .hasMessage("gateway.auth.oauth2.jwks-url must be set with gateway.auth.oauth2.issuer");
        assertThatThrownBy(() -> load(
                        Map.of(),
                        Map.of(
                                "gateway.auth.oauth2.issuer",
                                "https://id.example",
                                "gateway.auth.oauth2.jwks-url",
                                "https://id.example/certs")))
                .hasMessage("gateway.auth.oauth2.audience must be set with gateway.auth.oauth2.issuer");
        assertThatThrownBy(() -> load(
                        Map.of(),
                        Map.of(
                                "gateway.auth.oauth2.issuer", "https://id.example",
                                "gateway.auth.oauth2.jwks-url", "file:///etc/passwd",
                                "gateway.auth.oauth2.audience", "gw")))
                .hasMessage("gateway.auth.oauth2.jwks-url must be an http(s) URL, got file:///etc/passwd");
        assertThatThrownBy(() -> load(Map.of(), Map.of("gateway.auth.oauth2.audience", "gw")))
                .hasMessageEndingWith("need gateway.auth.oauth2.issuer");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("gateway.cors.allowed-origins", "*")))
                .hasMessage(
                        "gateway.cors.allowed-origins must be a comma-separated list of scheme://host[:port], got *");
        assertThatThrownBy(() -> load(Map.of(), Map.of("gateway.rate-limit.per-second", "-1")))
                .hasMessageStartingWith("gateway.rate-limit.per-second must be a finite number >= 0");
        assertThatThrownBy(() -> load(Map.of(), Map.of("gateway.tls.certificate", "/tls/tls.crt")))
                .hasMessage("gateway.tls.certificate and gateway.tls.private-key go together: set both");
        assertThatThrownBy(() -> load(
                        Map.of(),
                        Map.of(
                                "gateway.tls.keystore",
                                "/k.p12",
                                "gateway.tls.certificate",
                                "/c",
                                "gateway.tls.private-key",
                                "/k")))
                .hasMessageStartingWith("give either gateway.tls.keystore or gateway.tls.certificate");
    }

    @Test
    void withoutKeysOnlyALoopbackGatewayOrOneBehindAnAuthenticatingProxyMayStart() {
        AccessConfig local = AccessConfig.local();
        assertThatCode(() -> local.requireProtected("127.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> local.requireProtected("localhost")).doesNotThrowAnyException();
        assertThatCode(() -> local.requireProtected("::1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> local.requireProtected("0.0.0.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("gateway.host=0.0.0.0 accepts connections from other machines, but neither"
                        + " gateway.auth.api-keys (FUSEFLOW_GATEWAY_AUTH_API_KEYS) nor gateway.auth.oauth2.issuer is set:"
                        + " name the mounted secret of client keys or the OAuth2 issuer, or set"
                        + " gateway.auth.allow-unauthenticated=true if a proxy in front of the gateway authenticates");
        assertThatCode(() -> local.withApiKeys(Path.of("/keys")).requireProtected("0.0.0.0"))
                .doesNotThrowAnyException();
        AccessConfig proxied = load(Map.of("FUSEFLOW_GATEWAY_AUTH_ALLOW_UNAUTHENTICATED", "true"), Map.of());
        assertThatCode(() -> proxied.requireProtected("0.0.0.0")).doesNotThrowAnyException();
        assertThat(List.of(local.allowUnauthenticated(), proxied.allowUnauthenticated()))
                .containsExactly(false, true);
    }
}
