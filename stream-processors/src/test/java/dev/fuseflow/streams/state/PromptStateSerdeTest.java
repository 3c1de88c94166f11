package dev.fuseflow.streams.state;

import static dev.fuseflow.streams.Events.pairwise;
import static dev.fuseflow.streams.Events.reward;
import static dev.fuseflow.streams.Events.source;
import static dev.fuseflow.streams.Events.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import java.io.ByteArrayOutputStream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PromptStateSerdeTest {

    private final PromptStateSerde serde = new PromptStateSerde();

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        PromptState state = new PromptState();
        state.add(source("p", "s", "m"));
        state.add(target("p", "t", 4));
        state.add(new StoredFeedback(reward("p", "f1", "s", 0.5), 3, 1234L, 99L));
        state.add(new StoredFeedback(pairwise("p", "f2", "s", "t"), 1, 7L, 100L));
        state.emitted("sample-1");
        state.touch(12_345L);

        PromptState back =
                serde.deserializer().deserialize("store", serde.serializer().serialize("store", state));

        assertThat(back.generations()).isEqualTo(state.generations());
        assertThat(back.storedFeedback()).isEqualTo(state.storedFeedback());
        assertThat(back.lastEmittedSampleId()).contains("sample-1");
        assertThat(back.lastActivityMs()).isEqualTo(12_345L);
    }

    @Test
    void bodiesHandedInAreStoredAsTheyAreAndGiveTheSameBytes() throws Exception {
        GenerationEvent generation = source("p", "s", "m");
        FeedbackEvent feedback = reward("p", "f1", "s", 0.5);
        PromptState encodingItself = new PromptState();
        encodingItself.add(generation);
        encodingItself.add(new StoredFeedback(feedback, 2, 10L, 20L));
        PromptState givenBodies = new PromptState();
        givenBodies.add(generation, avro(GenerationEvent.class, generation));
        givenBodies.add(new StoredFeedback(feedback, 2, 10L, 20L), avro(FeedbackEvent.class, feedback));
        byte[] expected = serde.encode(encodingItself);

        assertThat(serde.encode(givenBodies)).isEqualTo(expected);
        // The bytes handed in are what is written: a different body shows in the stored state.
        PromptState wrongBody = new PromptState();
        wrongBody.add(generation, avro(GenerationEvent.class, source("p", "s", "another-model")));
        assertThat(serde.decode("store", serde.encode(wrongBody))
                        .generations()
                        .get(0)
                        .getModel()
                        .getName())
                .isEqualTo("another-model");
    }

    private static <T> byte[] avro(Class<T> type, T event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(type).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void duplicatesAreNotAdded() {
        PromptState state = new PromptState();
        assertThat(state.add(source("p", "s", "m"))).isTrue();
        assertThat(state.add(source("p", "s", "m"))).isFalse();
        assertThat(state.add(new StoredFeedback(reward("p", "f", "s", 1), 0, 0, 0)))
                .isTrue();
        assertThat(state.add(new StoredFeedback(reward("p", "f", "s", 1), 0, 1, 0)))
                .isFalse();
    }

    @Test
    void anUnknownFormatVersionIsRefusedByName() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Prompt state in 'changelog' has format version 9; this release reads version 1");
    }
}
