package dev.fuseflow.embedded.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Waits until a broker answers a metadata request with itself as a live node. */
final class BrokerReadiness {

    private BrokerReadiness() {}

    static void await(
            String bootstrapServers,
            Map<String, Object> clientSecurity,
            Duration timeout,
            BooleanSupplier stillStarting) {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Object> config = new HashMap<>(clientSecurity);
        config.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
        try (Admin admin = Admin.create(config)) {
            Exception last = null;
            while (Instant.now().isBefore(deadline)) {
                if (!stillStarting.getAsBoolean()) {
                    throw new IllegalStateException("Broker at " + bootstrapServers + " exited while starting");
                }
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes()
                            .get(3, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the broker", e);
                }
            }
            throw new IllegalStateException("Broker at " + bootstrapServers + " not ready within " + timeout, last);
        }
    }
}
