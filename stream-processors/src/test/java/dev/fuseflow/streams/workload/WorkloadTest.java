package dev.fuseflow.streams.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The workload the real-broker tests send is stamped in the recent past: inside the topics'
 * retention (older records are deleted by the broker, input lost before a restarted processor
 * reads it) and never ahead of the wall clock (the sources dead-letter such records).
 */
class WorkloadTest {

    @Test
    void everyEventIsInThePastAndWellInsideTheTopicsRetention() {
        FuseFlowTopics topics = FuseFlowTopics.defaults();
        Duration window = Duration.ofMinutes(1);
        Instant before = Instant.now();
        Workload workload = Workload.generate(topics, 50, 3, 10_000, window, 7);
        Instant after = Instant.now();
        List<Workload.Event> all = new ArrayList<>(workload.events());
        all.addAll(workload.lateEvents());
        Duration retention =
                Duration.ofMillis(Long.parseLong(topics.generations().configs().get("retention.ms")));

        assertThat(all).allSatisfy(e -> {
            assertThat(e.timestamp()).isBefore(after);
            assertThat(e.timestamp()).isAfter(before.minus(retention.dividedBy(2)));
        });
        assertThat(all.get(0).timestamp()).isAfter(before.minus(window.multipliedBy(Workload.EVENT_TIME_WINDOWS + 1)));
    }
}
