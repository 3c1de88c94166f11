package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.publish.EvalGate;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.VersionPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicationCadenceTest {

    @TempDir
    Path dir;

    @Test
    void aCandidateIsDueEveryNUpdatesOrAfterTheIntervalButNeverWithoutTrainingOrEvalSamples() throws Exception {
        GatedPublication byUpdates = publication(10, Duration.ZERO);
        assertThat(byUpdates.dueAt(10)).as("no eval samples yet").isFalse();
        holdOutOne(byUpdates);
        assertThat(byUpdates.dueAt(9)).isFalse();
        assertThat(byUpdates.dueAt(10)).isTrue();

        GatedPublication byTime = publication(1_000, Duration.ofMillis(200));
        holdOutOne(byTime);
        assertThat(byTime.dueAt(3)).isFalse();
        Thread.sleep(250);
        assertThat(byTime.dueAt(3)).isTrue();
        assertThat(byTime.dueAt(0)).as("nothing trained since the start").isFalse();
    }

    @Test
    void theEvalSetSurvivesARestartWithoutDuplicates() throws Exception {
        GatedPublication before = publication(10, Duration.ZERO);
        holdOutOne(before);
        holdOutOne(before);
        int kept = before.evalSetSize();
        before.save(dir);
        assertThat(dir.resolve("eval-set.jsonl")).isRegularFile();

        GatedPublication after = publication(10, Duration.ZERO);
        after.restore(dir);
        assertThat(after.evalSetSize()).isEqualTo(kept).isGreaterThanOrEqualTo(2);
        after.restore(dir);
        assertThat(after.evalSetSize())
                .as("samples re-read after a restart are not added twice")
                .isEqualTo(kept);
        after.restore(dir.resolve("absent"));
        assertThat(after.evalSetSize()).isEqualTo(kept);
    }

    private GatedPublication publication(long every, Duration interval) throws Exception {
        MockProducer<String, ModelVersion> producer =
                new MockProducer<>(true, null, new StringSerializer(), (topic, v) -> new byte[0]);
        return GatedPublication.open(
                new GatedPublication.Settings("m", new EvalBucket(50), 8, every, interval, 0.1, 0.1),
                new EvalGate(List.of("eval/loss"), List.of("eval/loss"), 0.0),
                new ModelStore(dir.resolve("store")),
                new VersionPublisher(producer, "versions"));
    }

    private int nextId;

    /** Offers samples until one falls in the eval bucket (half of all ids do). */
    private void holdOutOne(GatedPublication publication) {
        int id = nextId;
        while (!publication.holdOut(new WrpoExample(
                "s" + id++, "s" + id++, List.of(new ChatMessage(ChatRole.USER, "sort: 21")), "12", "12", "21", 1.0))) {
            assertThat(id).isLessThan(nextId + 100);
        }
        nextId = id;
    }
}
