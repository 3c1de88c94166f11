package dev.fuseflow.runtime.ops;

import dev.fuseflow.runtime.config.FuseFlowVersion;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The Prometheus registry of one FuseFlow service with what every service exports besides its own
 * meters (docs/operations.md, "Metrics"): {@code fuseflow_build_info{service,version,java_version}}
 * (always 1, so that {@code * on (instance) group_left(version)} joins a version onto any series),
 * the JVM's memory, GC, threads and class loading ({@code jvm_*}), CPU ({@code process_cpu_usage},
 * {@code system_cpu_usage}), uptime, and the Kafka clients the service binds ({@code kafka_consumer_*},
 * {@code kafka_producer_*}). One setup for the gateway, the stream processors, the trainer and the
 * ops exporter, so that a dashboard's JVM row reads the same names from each.
 */
public final class ServiceMeters implements AutoCloseable {

    /** The metric that names the build a service runs. */
    public static final String BUILD_INFO = "fuseflow_build_info";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Runnable> closers = new ArrayList<>();

    private ServiceMeters(String service) {
        // An info metric of the Prometheus client itself: Micrometer's naming drops the reserved _info suffix.
        Info.builder()
                .name(BUILD_INFO)
                .help("The FuseFlow build this service runs (always 1)")
                .labelNames("service", "version", "java_version")
                .register(registry.getPrometheusRegistry())
                .setLabelValues(
                        service, FuseFlowVersion.version(), System.getProperty("java.runtime.version", "unknown"));
        JvmGcMetrics gc = new JvmGcMetrics();
        closers.add(gc::close);
        for (MeterBinder binder : List.of(
                new JvmMemoryMetrics(),
                gc,
                new JvmThreadMetrics(),
                new ClassLoaderMetrics(),
                new ProcessorMetrics(),
                new UptimeMetrics())) {
            binder.bindTo(registry);
        }
    }

    /** A registry for {@code service} (gateway, stream-processors, trainer, ops-exporter), its JVM meters bound. */
    public static ServiceMeters start(String service) {
        return new ServiceMeters(service);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Exports a consumer's own metrics ({@code kafka_consumer_*}, tagged by its client id) until {@link #close}. */
    public void bindKafkaClient(Consumer<?, ?> consumer) {
        bind(new KafkaClientMetrics(consumer));
    }

    /** Exports a producer's own metrics ({@code kafka_producer_*}, tagged by its client id) until {@link #close}. */
    public void bindKafkaClient(Producer<?, ?> producer) {
        bind(new KafkaClientMetrics(producer));
    }

    private synchronized void bind(KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        closers.add(metrics::close);
    }

    /** Stops the binders' listeners and refresh threads and closes the registry; call it after the clients closed. */
    @Override
    public synchronized void close() {
        closers.forEach(Runnable::run);
        closers.clear();
        registry.close();
    }
}
