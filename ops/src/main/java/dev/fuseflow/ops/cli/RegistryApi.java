package dev.fuseflow.ops.cli;

import dev.fuseflow.schemas.registry.RegistryClientConfig;
import dev.fuseflow.schemas.registry.RestSchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops commands decode Avro with the schemas of a Confluent-API registry. Apicurio serves that API under
 * {@value #APICURIO_PATH}, not at its root, and a URL without it used to leave every model version undecodable, so
 * {@code status} showed no model section and exited 0. Before reading, the URL is checked with {@code GET /subjects};
 * where it does not answer but Apicurio's path under it does, that path is used (and said on stderr); where neither
 * does, the command fails naming the URL and the path that was expected.
 */
final class RegistryApi {

    /** Where Apicurio Registry serves the Confluent Schema Registry API. */
    static final String APICURIO_PATH = "/apis/ccompat/v7";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryApi.class);

    private RegistryApi() {}

    /** {@code clientConfig} with a registry URL that answers the Confluent API; fails when none does. */
    static Map<String, Object> confluent(Map<String, Object> clientConfig) {
        String url = String.valueOf(clientConfig.get(RegistryClientConfig.URL));
        Optional<String> failure = failure(clientConfig);
        if (failure.isEmpty()) {
            return clientConfig;
        }
        if (!url.contains(",") && !url.contains(APICURIO_PATH)) {
            Map<String, Object> apicurio = new HashMap<>(clientConfig);
            String candidate = url.replaceAll("/+$", "") + APICURIO_PATH;
            apicurio.put(RegistryClientConfig.URL, candidate);
            if (failure(apicurio).isEmpty()) {
                LOG.warn(
                        "{} does not answer the Confluent Schema Registry API at /subjects; using {} (Apicurio's)",
                        url,
                        candidate);
                return apicurio;
            }
        }
        throw new IllegalStateException("The schema registry URL " + url
                + " does not answer the Confluent Schema Registry API: GET " + url.replaceAll("/+$", "")
                + "/subjects failed (" + failure.get() + "). Give the URL under which that API is served (Apicurio: "
                + APICURIO_PATH + ", e.g. http://127.0.0.1:8081" + APICURIO_PATH + ").");
    }

    /** Why {@code GET /subjects} failed at the config's URL; empty when it answered. */
    private static Optional<String> failure(Map<String, Object> clientConfig) {
        Map<String, Object> once = new HashMap<>(clientConfig);
        once.put(RegistryClientConfig.MAX_RETRIES, 0);
        try {
            new RestSchemaRegistryClient(RegistryClientConfig.from(once)).subjects();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }
}
