package dev.fuseflow.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The endpoint listens where it is told, and on this host only unless told otherwise. */
class OpsHttpServerTest {

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address)
                .findFirst();
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void onTheLoopbackItCannotBeReachedFromAnotherInterface() throws Exception {
        Optional<InetAddress> outside = nonLoopbackAddress();
        assumeThat(outside).as("this host has a non-loopback IPv4 address").isPresent();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (OpsHttpServer loopback =
                OpsHttpServer.start(OpsHttpServer.LOOPBACK, 0, registry, () -> new OpsHttpServer.Health(true, "up"))) {
            assertThat(accepts(InetAddress.getLoopbackAddress(), loopback.port()))
                    .isTrue();
            assertThat(accepts(outside.get(), loopback.port()))
                    .as("%s:%d from outside", outside.get(), loopback.port())
                    .isFalse();
        }
        try (OpsHttpServer everywhere =
                OpsHttpServer.start("0.0.0.0", 0, registry, () -> new OpsHttpServer.Health(true, "up"))) {
            assertThat(accepts(outside.get(), everywhere.port())).isTrue();
        }
    }

    @Test
    void anAddressItCannotListenOnIsNamed() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThatThrownBy(() ->
                        OpsHttpServer.start("203.0.113.7", 0, registry, () -> new OpsHttpServer.Health(true, "up")))
                .hasMessageStartingWith("Cannot listen on 203.0.113.7:0");
    }
}
