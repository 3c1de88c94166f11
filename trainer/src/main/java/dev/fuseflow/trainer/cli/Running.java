package dev.fuseflow.trainer.cli;

import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.runtime.ops.ServiceMeters;
import dev.fuseflow.trainer.service.TrainerService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started {@code serve}: the service training on a thread of its own, and its {@code /metrics}
 * and {@code /health} endpoint. {@link #close} asks it to stop, waits for its final checkpoint and
 * releases everything; a failure of the training thread is rethrown by {@link #awaitEnd}.
 */
public final class Running implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Running.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final TrainerService service;
    private final ServiceMeters meters;
    private final OpsHttpServer http;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Running(TrainerService service, ServiceMeters meters, String metricsHost, int metricsPort) {
        this.service = service;
        this.meters = meters;
        this.http =
                metricsPort < 0 ? null : OpsHttpServer.start(metricsHost, metricsPort, meters.registry(), this::health);
        this.thread = new Thread(
                () -> {
                    try {
                        service.run(Long.MAX_VALUE, Duration.ofDays(36_500));
                    } catch (Throwable e) {
                        LOG.error("the trainer service stopped on an error; the newest checkpoint stays valid", e);
                        failure.set(e);
                    }
                },
                "trainer-service");
        thread.start();
    }

    private OpsHttpServer.Health health() {
        Throwable failed = failure.get();
        if (failed != null) {
            return new OpsHttpServer.Health(
                    false, "training stopped: " + failed.getClass().getSimpleName());
        }
        return new OpsHttpServer.Health(thread.isAlive(), thread.isAlive() ? "training" : "stopped");
    }

    /** What the training thread is doing. */
    public enum Status {
        TRAINING,
        /** It ended without an error: it trained its last stage (serve --objective SFT), or it was asked to stop. */
        DONE,
        /** It stopped on an error (logged; {@link #awaitEnd} rethrows it). */
        FAILED
    }

    public Status status() {
        if (failure.get() != null) {
            return Status.FAILED;
        }
        return thread.isAlive() ? Status.TRAINING : Status.DONE;
    }

    public PrometheusMeterRegistry registry() {
        return meters.registry();
    }

    /** The metrics port, or -1 when there is no endpoint. */
    public int metricsPort() {
        return http == null ? -1 : http.port();
    }

    /** Waits until training ends; rethrows what ended it abnormally. */
    public void awaitEnd() throws Exception {
        thread.join();
        Throwable failed = failure.get();
        if (failed instanceof Exception e) {
            throw e;
        } else if (failed != null) {
            throw new IllegalStateException("the trainer service failed", failed);
        }
    }

    @Override
    public void close() {
        service.stop();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            service.close();
        }
        if (http != null) {
            http.close();
        }
        meters.close();
    }
}
