package dev.fuseflow.producers.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;

/**
 * The client's meters, tagged by client id and topic: {@code fuseflow.client.sent} (events
 * acknowledged), {@code fuseflow.client.failed} (by exception type), {@code fuseflow.client.bytes}
 * (serialized value sizes) and {@code fuseflow.client.latency} (send to acknowledgement); and the
 * producer's own metrics ({@code kafka_producer_*} in Prometheus, tagged by {@code client_id}).
 */
final class ClientMetrics {

    private final MeterRegistry registry;
    private final String clientId;
    private final List<Meter> registered = new ArrayList<>();
    private KafkaClientMetrics producerMetrics;

    ClientMetrics(MeterRegistry registry, String clientId) {
        this.registry = registry;
        this.clientId = clientId;
    }

    /** Exports the producer's own metrics (record send rate, batch sizes, request latency, ...) until {@link #close}. */
    synchronized void bindProducer(Producer<?, ?> producer) {
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
    }

    void sent(String topic, int bytes, long nanos) {
        track(Counter.builder("fuseflow.client.sent")
                        .description("Events the broker acknowledged")
                        .tags("client", clientId, "topic", topic)
                        .register(registry))
                .increment();
        track(DistributionSummary.builder("fuseflow.client.bytes")
                        .baseUnit("bytes")
                        .description("Serialized event sizes")
                        .tags("client", clientId, "topic", topic)
                        .register(registry))
                .record(Math.max(0, bytes));
        track(Timer.builder("fuseflow.client.latency")
                        .description("From send to the broker's acknowledgement")
                        .tags("client", clientId, "topic", topic)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void failed(String topic, Throwable error) {
        track(Counter.builder("fuseflow.client.failed")
                        .description("Events that were not delivered")
                        .tags(
                                "client",
                                clientId,
                                "topic",
                                topic,
                                "exception",
                                error.getClass().getSimpleName())
                        .register(registry))
                .increment();
    }

    private synchronized <M extends Meter> M track(M meter) {
        if (!registered.contains(meter)) {
            registered.add(meter);
        }
        return meter;
    }

    /** Removes this client's meters, so a closed client does not report stale figures. */
    synchronized void close() {
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        registered.forEach(registry::remove);
        registered.clear();
    }
}
