package dev.fuseflow.streams.workload;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.FeedbackGiver;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.GiverKind;
import dev.fuseflow.schemas.avro.ModelRef;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * A generated feedback workload with known answers, for the integration tests and the benchmark:
 * prompts that each yield exactly one sample (one source, two targets, one reward-model score
 * each, the last score completing the condition), and malformed records of every kind, each
 * tagged with the dead-letter reason it must get. Events move forward in event time; the late
 * events come in a second phase, once the prompts they name have been forgotten.
 */
public final class Workload {

    /** One record to produce, and what must become of it. */
    public record Event(String topic, String key, Object value, Instant timestamp, DeadLetterReason expectedReason) {
        public boolean isBad() {
            return expectedReason != null;
        }
    }

    /** The triple each good prompt must yield. */
    public record ExpectedSample(String sourceChosen, String targetChosen, String targetRejected) {}

    /** Marker value: bytes that are not Avro at all. */
    public record Garbage(byte[] bytes) {}

    private final List<Event> events = new ArrayList<>();
    private final List<Event> lateEvents = new ArrayList<>();
    private final Map<String, ExpectedSample> expected = new LinkedHashMap<>();

    /** Enough keys to land on every partition of a topic with up to a few dozen partitions. */
    private static final int TICK_PROMPTS = 200;

    private Workload() {}

    /** Everything but the late events: send first, and wait until it is processed. */
    public List<Event> events() {
        return events;
    }

    /** Feedback for prompts that went idle during {@link #events()}: send once those are processed. */
    public List<Event> lateEvents() {
        return lateEvents;
    }

    public Map<String, ExpectedSample> expectedSamples() {
        return expected;
    }

    public long badCount() {
        return events.stream().filter(Event::isBad).count() + lateEvents.size();
    }

    /**
     * @param goodPrompts  prompts yielding one sample each (6 events per prompt)
     * @param badPerKind   malformed records of each of the kinds in {@link #BAD_KINDS}
     * @param maxTextBytes the limit the topology runs with (TOO_LARGE records exceed it)
     * @param window       the reference and inactivity windows the topology runs with
     */
    /** Windows of event time a workload spans: 2 before the blocks, 3 for them, 2 to the tick, 1 to the late feedback, 2 spare. */
    static final int EVENT_TIME_WINDOWS = 10;

    public static Workload generate(
            FuseFlowTopics topics, int goodPrompts, int badPerKind, int maxTextBytes, Duration window, long seed) {
        Workload w = new Workload();
        Random random = new Random(seed);
        // Event time ends two windows before now: in the past (the sources dead-letter a timestamp
        // ahead of the wall clock) and far inside the topics' retention, which deletes records whose
        // timestamps are older than it. A fixed date went out of the 7-day retention a week after it
        // was written, and the broker then deleted input before a restarted processor read it.
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(window.multipliedBy(EVENT_TIME_WINDOWS));
        // Prompts that will go idle and later receive late feedback; first, so that they expire early.
        List<String> lateTargets = new ArrayList<>();
        for (int i = 0; i < badPerKind; i++) {
            String prompt = "late-" + i;
            w.events.add(
                    new Event(topics.generations().name(), prompt, source(prompt, prompt + "-s", start), start, null));
            lateTargets.add(prompt);
        }
        List<List<Event>> blocks = new ArrayList<>();
        for (int p = 0; p < goodPrompts; p++) {
            blocks.add(goodPrompt(topics, "prompt-" + p, random, w.expected));
        }
        for (BadKind kind : BAD_KINDS) {
            for (int i = 0; i < badPerKind; i++) {
                blocks.add(List.of(kind.make(topics, "bad-" + kind.name + "-" + i, maxTextBytes)));
            }
        }
        Collections.shuffle(blocks, random);
        // Spread the mixed blocks over three windows of event time, then send the late feedback.
        Instant time = start.plus(window.multipliedBy(2));
        Duration step = window.multipliedBy(3).dividedBy(Math.max(1, blocks.size()));
        for (List<Event> block : blocks) {
            for (Event e : block) {
                w.events.add(new Event(e.topic(), e.key(), retime(e.value(), time), time, e.expectedReason()));
            }
            time = time.plus(step);
        }
        // Stream time jumps two windows on every partition, so every unresolved reference times out.
        Instant tick = time.plus(window.multipliedBy(2));
        for (int i = 0; i < TICK_PROMPTS; i++) {
            String prompt = "tick-" + i;
            w.events.add(
                    new Event(topics.generations().name(), prompt, source(prompt, prompt + "-s", tick), tick, null));
        }
        Instant late = tick.plus(window);
        for (String prompt : lateTargets) {
            w.lateEvents.add(new Event(
                    topics.feedback().name(),
                    prompt,
                    reward(prompt, prompt + "-late", prompt + "-s", 0.5, late),
                    late,
                    DeadLetterReason.LATE));
        }
        return w;
    }

    private static List<Event> goodPrompt(
            FuseFlowTopics topics, String prompt, Random random, Map<String, ExpectedSample> expected) {
        Instant t = Instant.EPOCH;
        double best = 0.2 + random.nextDouble();
        double worst = best - 0.5 - random.nextDouble();
        String g = topics.generations().name();
        String f = topics.feedback().name();
        expected.put(prompt, new ExpectedSample(prompt + "-s", prompt + "-t1", prompt + "-t2"));
        return List.of(
                new Event(g, prompt, source(prompt, prompt + "-s", t), t, null),
                new Event(g, prompt, target(prompt, prompt + "-t1", 1L, t), t, null),
                new Event(g, prompt, target(prompt, prompt + "-t2", 1L, t), t, null),
                new Event(f, prompt, reward(prompt, prompt + "-f1", prompt + "-s", 1.5, t), t, null),
                new Event(f, prompt, reward(prompt, prompt + "-f2", prompt + "-t1", best, t), t, null),
                new Event(f, prompt, reward(prompt, prompt + "-f3", prompt + "-t2", worst, t), t, null));
    }

    /** A kind of malformed record and the dead-letter reason it must get. */
    private record BadKind(
            String name,
            DeadLetterReason reason,
            BiFunction<String, Integer, Object> value,
            boolean feedback,
            boolean keyMismatch) {
        Event make(FuseFlowTopics topics, String prompt, int maxTextBytes) {
            String topic =
                    feedback ? topics.feedback().name() : topics.generations().name();
            return new Event(
                    topic,
                    keyMismatch ? prompt + "-other-key" : prompt,
                    value.apply(prompt, maxTextBytes),
                    Instant.EPOCH,
                    reason);
        }
    }

    public static final List<String> BAD_KIND_NAMES;
    private static final List<BadKind> BAD_KINDS = List.of(
            new BadKind(
                    "garbage",
                    DeadLetterReason.DESERIALIZATION_FAILED,
                    (p, max) -> new Garbage(("{\"promptId\":\"" + p + "\"}").getBytes(StandardCharsets.UTF_8)),
                    false,
                    false),
            new BadKind(
                    "blank-id",
                    DeadLetterReason.BLANK_FIELD,
                    (p, max) -> {
                        GenerationEvent g = source(p, p + "-s", Instant.EPOCH);
                        g.setEventId(" ");
                        return g;
                    },
                    false,
                    false),
            new BadKind(
                    "empty-prompt",
                    DeadLetterReason.BLANK_FIELD,
                    (p, max) -> {
                        GenerationEvent g = source(p, p + "-s", Instant.EPOCH);
                        g.setPrompt(List.of());
                        return g;
                    },
                    false,
                    false),
            new BadKind(
                    "unknown-role",
                    DeadLetterReason.INVALID_VALUE,
                    (p, max) -> {
                        GenerationEvent g = source(p, p + "-s", Instant.EPOCH);
                        g.getModel().setRole(ModelRole.UNKNOWN);
                        return g;
                    },
                    false,
                    false),
            new BadKind(
                    "target-without-version",
                    DeadLetterReason.MISSING_FIELD,
                    (p, max) -> target(p, p + "-t", null, Instant.EPOCH),
                    false,
                    false),
            new BadKind(
                    "too-large",
                    DeadLetterReason.TOO_LARGE,
                    (p, max) -> {
                        GenerationEvent g = source(p, p + "-s", Instant.EPOCH);
                        g.setResponse("x".repeat(max + 1));
                        return g;
                    },
                    false,
                    false),
            new BadKind(
                    "key-mismatch",
                    DeadLetterReason.INVALID_VALUE,
                    (p, max) -> source(p, p + "-s", Instant.EPOCH),
                    false,
                    true),
            new BadKind("tombstone", DeadLetterReason.MISSING_FIELD, (p, max) -> null, true, false),
            new BadKind(
                    "nan-score",
                    DeadLetterReason.NON_FINITE_NUMBER,
                    (p, max) -> reward(p, p + "-f", p + "-s", Double.NaN, Instant.EPOCH),
                    true,
                    false),
            new BadKind(
                    "rating-out-of-scale",
                    DeadLetterReason.OUT_OF_RANGE,
                    (p, max) -> feedback(p, p + "-f", p + "-s", new Rating(7.0, 1.0, 5.0), Instant.EPOCH),
                    true,
                    false),
            new BadKind(
                    "pairwise-unknown",
                    DeadLetterReason.UNKNOWN_REFERENCE,
                    (p, max) -> feedback(
                            p,
                            p + "-f",
                            p + "-never-a",
                            new PairwiseChoice(p + "-never-a", p + "-never-b"),
                            Instant.EPOCH),
                    true,
                    false));

    static {
        BAD_KIND_NAMES = BAD_KINDS.stream().map(BadKind::name).toList();
    }

    private static Object retime(Object value, Instant time) {
        if (value instanceof GenerationEvent g) {
            g.setCreatedAt(time);
        } else if (value instanceof FeedbackEvent f) {
            f.setCreatedAt(time);
        }
        return value;
    }

    static GenerationEvent source(String prompt, String id, Instant at) {
        return generation(prompt, id, new ModelRef("source-big", ModelRole.SOURCE, null), at);
    }

    static GenerationEvent target(String prompt, String id, Long version, Instant at) {
        return generation(prompt, id, new ModelRef("target", ModelRole.TARGET, version), at);
    }

    private static GenerationEvent generation(String prompt, String id, ModelRef model, Instant at) {
        return GenerationEvent.newBuilder()
                .setEventId(id)
                .setPromptId(prompt)
                .setPrompt(List.of(new ChatMessage(ChatRole.USER, "Sort the digits of " + prompt.hashCode())))
                .setResponse("response " + id)
                .setModel(model)
                .setCreatedAt(at)
                .setAttributes(Map.of())
                .build();
    }

    static FeedbackEvent reward(String prompt, String id, String generation, double score, Instant at) {
        return feedback(prompt, id, generation, new RewardScore(score, "workload-rm"), at);
    }

    private static FeedbackEvent feedback(String prompt, String id, String generation, Object signal, Instant at) {
        return FeedbackEvent.newBuilder()
                .setEventId(id)
                .setPromptId(prompt)
                .setGenerationId(generation)
                .setSignal(signal)
                .setGiver(new FeedbackGiver(GiverKind.REWARD_MODEL, "workload-rm"))
                .setCreatedAt(at)
                .setAttributes(Map.of())
                .build();
    }

    /** The value as the bytes a producer would send. */
    public static byte[] bytes(Event event, BiFunction<String, SpecificRecord, byte[]> serializer) {
        if (event.value() == null) {
            return null;
        }
        if (event.value() instanceof Garbage garbage) {
            return garbage.bytes();
        }
        return serializer.apply(event.topic(), (SpecificRecord) event.value());
    }
}
