package dev.fuseflow.schemas.registry;

import java.util.Map;

/** Creates the registry client a serde configuration asks for. */
public final class SchemaRegistryClients {

    private static final String MOCK_SCHEME = "mock://";

    private SchemaRegistryClients() {}

    /**
     * A REST client for {@code http(s)://} URLs, the shared in-memory registry of the scope for
     * {@code mock://<scope>}.
     */
    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        RegistryClientConfig config = RegistryClientConfig.from(configs);
        String first = config.urls().get(0).toString();
        if (first.startsWith(MOCK_SCHEME)) {
            return InMemorySchemaRegistryClient.scope(first.substring(MOCK_SCHEME.length()));
        }
        return new RestSchemaRegistryClient(config);
    }
}
