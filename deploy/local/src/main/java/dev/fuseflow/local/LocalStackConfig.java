package dev.fuseflow.local;

import dev.fuseflow.embedded.BrokerMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the local stack, validated at start.
 *
 * @param dataDir      broker logs, registry database and the endpoints file live here
 * @param brokerMode   in-process (default) or child-process
 * @param kafkaPort    client port of the broker; 0 picks a free one
 * @param registryPort HTTP port of the Schema Registry; 0 picks a free one
 * @param streamsMetricsPort Prometheus port of the stream processors; 0 picks a free one
 * @param opsPort      port of the ops exporter (metrics and status page); 0 picks a free one
 * @param reset        delete the data dir first, for a clean start
 */
public record LocalStackConfig(
        Path dataDir,
        BrokerMode brokerMode,
        int kafkaPort,
        int registryPort,
        int streamsMetricsPort,
        int opsPort,
        boolean reset) {

    /** Every port picked freely: tests and side-by-side runs. */
    public static LocalStackConfig anyPorts(Path dataDir, BrokerMode brokerMode, boolean reset) {
        return new LocalStackConfig(dataDir, brokerMode, 0, 0, 0, 0, reset);
    }

    public LocalStackConfig {
        Objects.requireNonNull(dataDir, "data dir must be set (--data-dir or FUSEFLOW_LOCAL_DATA_DIR)");
        Objects.requireNonNull(brokerMode, "broker mode must be set");
        if (brokerMode == BrokerMode.CONTAINER || brokerMode == BrokerMode.AUTO) {
            throw new IllegalArgumentException("the local stack runs the broker in-process or as a child process; got "
                    + brokerMode + " (containers belong to deploy/compose)");
        }
        requirePort("kafka port (--kafka-port, FUSEFLOW_LOCAL_KAFKA_PORT)", kafkaPort);
        requirePort("registry port (--registry-port, FUSEFLOW_LOCAL_REGISTRY_PORT)", registryPort);
        requirePort(
                "stream-processor metrics port (--streams-metrics-port, FUSEFLOW_LOCAL_STREAMS_METRICS_PORT)",
                streamsMetricsPort);
        requirePort("ops exporter port (--ops-port, FUSEFLOW_LOCAL_OPS_PORT)", opsPort);
        if (kafkaPort != 0 && kafkaPort == registryPort) {
            throw new IllegalArgumentException("kafka port and registry port must differ, both are " + kafkaPort);
        }
    }

    /**
     * Fails naming the first fixed port that something else listens on, before anything starts: a foreign registry on
     * the registry port used to be taken for ours (ready in 606 ms), then the broker failed on its port.
     */
    public void requirePortsFree() {
        requireFree(kafkaPort, "--kafka-port");
        requireFree(registryPort, "--registry-port");
        requireFree(streamsMetricsPort, "--streams-metrics-port");
        requireFree(opsPort, "--ops-port");
    }

    private static void requireFree(int port, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " (" + option + ") is in use on this host, perhaps by"
                    + " another local stack: stop that, or give " + option + " another port (0: any free one) ("
                    + e.getMessage() + ")");
        }
    }

    private static void requirePort(String what, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(what + " must be 0 (any free port) or 1-65535, got " + port);
        }
    }
}
