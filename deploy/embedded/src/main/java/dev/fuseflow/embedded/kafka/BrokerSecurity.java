package dev.fuseflow.embedded.kafka;

import dev.fuseflow.embedded.security.TlsMaterial;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A SASL_SSL client listener with SCRAM-SHA-512 and ACLs enforced by KRaft's StandardAuthorizer:
 * the shape of a production listener, for tests and for running the local stack secured.
 *
 * <p>The administrator's SCRAM credential is written into the metadata when the log dir is
 * formatted ({@code kafka-storage format --add-scram}), so the first admin connection already
 * authenticates; it creates every other user with {@code Admin.alterUserScramCredentials}.
 *
 * <p>The KRaft controller listener authenticates by certificate (mutual TLS): a controller cannot
 * read SCRAM credentials before the quorum it serves is up, so the node presents its own
 * certificate, the one the truststore holds, and that principal ({@link #NODE_PRINCIPAL}) is the
 * only super user besides the administrator. A client without that certificate is refused at the
 * TLS handshake, and no anonymous principal is a super user (it was: anyone on the host could
 * create ACLs through the controller port).
 *
 * @param tls           the broker's certificate and the truststore clients use
 * @param adminUser     SCRAM user that is a super user (the broker's own inter-broker principal too)
 * @param adminPassword its password
 */
public record BrokerSecurity(TlsMaterial tls, String adminUser, String adminPassword) {

    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String LISTENER = "SASL_SSL";

    /** The principal of the node's certificate on the controller listener. */
    public static final String NODE_PRINCIPAL = "User:" + TlsMaterial.SUBJECT;

    public BrokerSecurity {
        Objects.requireNonNull(tls, "tls");
        if (adminUser == null || adminUser.isBlank() || adminPassword == null || adminPassword.isBlank()) {
            throw new IllegalArgumentException(
                    "adminUser and adminPassword must be set: the broker authenticates itself as that user");
        }
    }

    /** Broker properties that replace the PLAINTEXT client listener. */
    Map<String, String> brokerProperties(int port, String controllerListener, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(
                "listeners",
                LISTENER + "://127.0.0.1:" + port + "," + controllerListener + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", LISTENER + "://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", LISTENER + ":SASL_SSL," + controllerListener + ":SSL");
        p.put("listener.name." + controllerListener.toLowerCase(Locale.ROOT) + ".ssl.client.auth", "required");
        p.put("inter.broker.listener.name", LISTENER);
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaasConfig(adminUser, adminPassword));
        p.put("ssl.keystore.location", tls.keystore().toString());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.password", tls.password());
        p.put("ssl.key.password", tls.password());
        p.put("ssl.truststore.location", tls.truststore().toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", tls.password());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", "User:" + adminUser + ";" + NODE_PRINCIPAL);
        return p;
    }

    /** The {@code --add-scram} arguments of {@code kafka-storage format}. */
    List<String> scramArguments() {
        return List.of(MECHANISM + "=[name=" + adminUser + ",password=" + adminPassword + "]");
    }

    /** Kafka client settings that authenticate as {@code user} over TLS, trusting this broker's certificate. */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaasConfig(user, password));
        p.put("ssl.truststore.location", tls.truststore().toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", tls.password());
        return p;
    }

    public Map<String, Object> adminClientProperties() {
        return clientProperties(adminUser, adminPassword);
    }

    private static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
