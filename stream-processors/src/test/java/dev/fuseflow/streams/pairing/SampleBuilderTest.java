package dev.fuseflow.streams.pairing;

import static dev.fuseflow.streams.Events.pairwise;
import static dev.fuseflow.streams.Events.rating;
import static dev.fuseflow.streams.Events.reward;
import static dev.fuseflow.streams.Events.source;
import static dev.fuseflow.streams.Events.target;
import static dev.fuseflow.streams.Events.thumbs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.GeneratedClassTrust;
import dev.fuseflow.streams.scoring.ScoringPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class SampleBuilderTest {

    private final SampleBuilder builder =
            new SampleBuilder(ScoringPolicy.DEFAULT, WeightPolicy.DEFAULT, EmissionPolicy.DEFAULT);

    private static final List<GenerationEvent> GENERATIONS = List.of(
            source("p", "s1", "big-a"),
            source("p", "s2", "big-b"),
            target("p", "t1", 5),
            target("p", "t2", 5),
            target("p", "t3", 4));
    private static final List<FeedbackEvent> FEEDBACK = List.of(
            reward("p", "f1", "s1", 0.9),
            reward("p", "f2", "s2", 0.7),
            reward("p", "f3", "t1", 0.6),
            reward("p", "f4", "t2", -0.2),
            reward("p", "f5", "t3", 0.1),
            thumbs("p", "f6", "t1", true),
            thumbs("p", "f7", "t2", false));

    @Test
    void picksBestSourceBestTargetAndWorstTarget() {
        PreferenceSample sample =
                builder.build("p", GENERATIONS, FEEDBACK, Map.of()).orElseThrow();
        assertThat(sample.getSourceChosen().getGenerationId()).isEqualTo("s1");
        assertThat(sample.getSourceChosen().getModel()).isEqualTo("big-a");
        assertThat(sample.getTargetChosen().getGenerationId()).isEqualTo("t1");
        assertThat(sample.getTargetChosen().getReward()).isCloseTo((0.6 + 1.0) / 2, within(1e-12));
        assertThat(sample.getTargetRejected().getGenerationId()).isEqualTo("t2");
        assertThat(sample.getTargetRejected().getTargetVersion()).isEqualTo(5L);
        assertThat(sample.getEvidence().getFeedbackEventIds()).containsExactly("f1", "f3", "f4", "f6", "f7");
        assertThat(sample.getEvidence().getSignalCount()).isEqualTo(5);
        assertThat(sample.getEvidence().getRewardGap()).isCloseTo(0.8 - -0.6, within(1e-12));
    }

    @Test
    void weightFollowsTheDocumentedFormula() {
        PreferenceSample sample =
                builder.build("p", GENERATIONS, FEEDBACK, Map.of()).orElseThrow();
        // y_wt has RM 0.6 and thumbs +1; y_l has RM -0.2 and thumbs -1: both same-kind pairs agree.
        assertThat(sample.getEvidence().getAgreement()).isEqualTo(1.0);
        double expected = (5 / (5 + 2.0)) * 1.0 * Math.min(1.0, 1.4 / 1.0);
        assertThat(sample.getWeight()).isCloseTo(expected, within(1e-12));
    }

    @Test
    void needsASourceTwoTargetsAndTheGap() {
        assertThat(builder.build("p", GENERATIONS.subList(2, 5), FEEDBACK, Map.of()))
                .isEmpty();
        assertThat(builder.build("p", GENERATIONS.subList(0, 3), FEEDBACK, Map.of()))
                .isEmpty();
        SampleBuilder strict =
                new SampleBuilder(ScoringPolicy.DEFAULT, WeightPolicy.DEFAULT, new EmissionPolicy(1.5, 2));
        assertThat(strict.build("p", GENERATIONS, FEEDBACK, Map.of())).isEmpty();
    }

    @Test
    void unscoredResponsesAreNotCandidates() {
        List<FeedbackEvent> onlySomeScored = List.of(reward("p", "f1", "s1", 0.9), reward("p", "f3", "t1", 0.6));
        assertThat(builder.build("p", GENERATIONS, onlySomeScored, Map.of())).isEmpty();
    }

    @Test
    void staleTargetResponsesAreExcluded() {
        // Newest published version 8, lag 2: version 5 is stale, version 6 would not be.
        Optional<PreferenceSample> stale = builder.build("p", GENERATIONS, FEEDBACK, Map.of("target", 8L));
        assertThat(stale).isEmpty();
        PreferenceSample fresh =
                builder.build("p", GENERATIONS, FEEDBACK, Map.of("target", 7L)).orElseThrow();
        assertThat(fresh.getTargetRejected().getGenerationId()).isEqualTo("t2");
        PreferenceSample partly =
                builder.build("p", GENERATIONS, FEEDBACK, Map.of("target", 6L)).orElseThrow();
        assertThat(partly.getTargetChosen().getGenerationId()).isEqualTo("t1");
        assertThat(List.of(partly.getTargetRejected().getGenerationId())).doesNotContain("t3");
    }

    @Test
    void tiesBreakOnSignalCountThenGenerationId() {
        List<GenerationEvent> generations = List.of(
                source("p", "s-b", "m"),
                source("p", "s-a", "m"),
                target("p", "t-a", 1),
                target("p", "t-b", 1),
                target("p", "t-c", 1));
        List<FeedbackEvent> feedback = List.of(
                reward("p", "f1", "s-a", 0.5),
                reward("p", "f2", "s-b", 0.5),
                reward("p", "f3", "t-a", 1.0),
                reward("p", "f4", "t-b", 1.0),
                reward("p", "f5", "t-b", 1.0),
                reward("p", "f6", "t-c", -1.0));
        PreferenceSample sample =
                builder.build("p", generations, feedback, Map.of()).orElseThrow();
        assertThat(sample.getSourceChosen().getGenerationId()).isEqualTo("s-a");
        assertThat(sample.getTargetChosen().getGenerationId()).isEqualTo("t-b");
        assertThat(sample.getTargetRejected().getGenerationId()).isEqualTo("t-c");
    }

    @Test
    void newEvidenceChangesTheIdAndTheSameEvidenceKeepsIt() {
        String id = builder.build("p", GENERATIONS, FEEDBACK, Map.of())
                .orElseThrow()
                .getSampleId();
        assertThat(builder.build("p", GENERATIONS, FEEDBACK, Map.of())
                        .orElseThrow()
                        .getSampleId())
                .isEqualTo(id);
        List<FeedbackEvent> more = new ArrayList<>(FEEDBACK);
        more.add(rating("p", "f8", "t1", 5, 1, 5));
        assertThat(builder.build("p", GENERATIONS, more, Map.of()).orElseThrow().getSampleId())
                .isNotEqualTo(id);
    }

    @Test
    void permutingArrivalOrderNeverChangesTheSampleBytes() throws IOException {
        Random random = new Random(7);
        for (int workload = 0; workload < 30; workload++) {
            List<GenerationEvent> generations = new ArrayList<>();
            List<FeedbackEvent> feedback = new ArrayList<>();
            randomPrompt(random, generations, feedback);
            Optional<PreferenceSample> reference = builder.build("p", generations, feedback, Map.of());
            byte[] referenceBytes = reference.isPresent() ? bytes(reference.get()) : null;
            for (int shuffle = 0; shuffle < 20; shuffle++) {
                Collections.shuffle(generations, random);
                Collections.shuffle(feedback, random);
                Optional<PreferenceSample> again = builder.build("p", generations, feedback, Map.of());
                assertThat(again.isPresent()).isEqualTo(reference.isPresent());
                if (again.isPresent()) {
                    assertThat(bytes(again.get())).isEqualTo(referenceBytes);
                }
            }
        }
    }

    private static void randomPrompt(Random random, List<GenerationEvent> generations, List<FeedbackEvent> feedback) {
        int sources = 1 + random.nextInt(3);
        int targets = 2 + random.nextInt(4);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sources; i++) {
            generations.add(source("p", "s" + i, "m" + i));
            ids.add("s" + i);
        }
        for (int i = 0; i < targets; i++) {
            generations.add(target("p", "t" + i, 3));
            ids.add("t" + i);
        }
        for (int f = 0; f < 4 + random.nextInt(12); f++) {
            String g = ids.get(random.nextInt(ids.size()));
            String other = ids.get(random.nextInt(ids.size()));
            feedback.add(
                    switch (random.nextInt(4)) {
                        case 0 -> reward("p", "f" + f, g, random.nextGaussian());
                        case 1 -> rating("p", "f" + f, g, 1 + random.nextInt(5), 1, 5);
                        case 2 -> thumbs("p", "f" + f, g, random.nextBoolean());
                        default -> g.equals(other) ? thumbs("p", "f" + f, g, true) : pairwise("p", "f" + f, g, other);
                    });
        }
    }

    private static byte[] bytes(PreferenceSample sample) throws IOException {
        GeneratedClassTrust.install();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(PreferenceSample.class).write(sample, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
