package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.SkillWorkload;
import dev.fuseflow.demo.skills.TaskRewardEvaluator;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelRef;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.trainer.sampling.SamplingConfig;
import dev.fuseflow.trainer.service.GatedPublication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo app, closing the loop as a production app would: users ask workload prompts; the
 * SOURCE models (neural or scripted) and the served TARGET version (several samples each) answer; every answer
 * is logged as a generation; the checker's graded reward is logged as a reward-model score and
 * some users give (noisy) thumbs. When a new version is PUBLISHED the app loads it and serves it
 * from the next round on, and measures it on the held-out prompts.
 */
public final class DemoApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoApp.class);
    private static final String CHECKER = "skills-checker-v1";
    static final int MAX_NEW_TOKENS = 12;
    static final int EVAL_MAX_NEW_TOKENS = 16;

    private final DemoSettings settings;
    private final FeedbackClient client;
    private final PipelineObserver observer;
    private final List<DemoSource> sources;
    private final LearningBoard board;
    private final String modelName;
    private final SkillWorkload workload;
    private final Random random;
    private final AtomicLong prompts = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong failedSends = new AtomicLong();
    private final AtomicLong emptyAnswers = new AtomicLong();
    private final Map<String, AtomicLong> generationsByModel = new ConcurrentHashMap<>();
    private volatile ServedModel served;
    private volatile boolean stopping;
    private volatile long startedNanos = System.nanoTime();
    private long round;

    /** {@code sources} stay the caller's to close. */
    DemoApp(
            DemoSettings settings,
            FeedbackClient client,
            PipelineObserver observer,
            Path startModel,
            String modelName,
            List<DemoSource> sources)
            throws IOException {
        this.settings = settings;
        this.client = client;
        this.observer = observer;
        this.modelName = modelName;
        this.sources = List.copyOf(sources);
        this.workload = new SkillWorkload(settings.seed(), List.of(Skill.values()));
        this.random = new Random(settings.seed());
        this.board = new LearningBoard(heldOut(settings), sources);
        this.served = ServedModel.load(startModel, 0);
        board.measured(0, 0, measure(served), false);
    }

    /** The held-out prompts every model is measured on: {@code heldOutPerSkill} of each skill, from seed + 1. */
    static List<SkillPrompt> heldOut(DemoSettings settings) {
        return SkillWorkload.heldOut(settings.seed() + 1, List.of(Skill.values()), settings.heldOutPerSkill());
    }

    /** Serves rounds until {@link #stop} or the demo duration is up. */
    public void run() {
        startedNanos = System.nanoTime();
        long deadline = startedNanos + settings.duration().toNanos();
        while (!stopping && System.nanoTime() < deadline) {
            List<ModelVersion> announced = observer.poll(Duration.ofMillis(1));
            // The newest PUBLISHED record is the version to serve: a promotion or a rollback re-announces an older one.
            if (!announced.isEmpty() && announced.get(announced.size() - 1).getVersion() != served.version()) {
                reload(announced.get(announced.size() - 1));
            }
            serveRound();
        }
        client.flush();
    }

    public void stop() {
        stopping = true;
    }

    /** Seconds since {@link #run} began (the demo's clock, which the live view and the results share). */
    double secondsRunning() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private void reload(ModelVersion version) {
        try {
            ServedModel next =
                    ServedModel.load(Path.of(URI.create(version.getArtifactUri().toString())), version.getVersion());
            ServedModel previous = served;
            served = next;
            previous.close();
            TaskReward reward = measure(next);
            board.measured(version.getVersion(), secondsRunning(), reward, publishedInPreferenceStage(version));
            LOG.info(
                    "now serving {} v{}: held-out reward {}",
                    modelName,
                    version.getVersion(),
                    String.format(Locale.ROOT, "%.3f", reward.mean()));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot load published version " + version.getVersion() + " from " + version.getArtifactUri(), e);
        }
    }

    private TaskReward measure(ServedModel target) {
        return new TaskRewardEvaluator(target.responder(), EVAL_MAX_NEW_TOKENS)
                .evaluate(target.model(), target.manager(), board.heldOut());
    }

    /** One round: prompts, every model's answers, their generation events, then the feedback on them. */
    private void serveRound() {
        List<SkillPrompt> asked = new ArrayList<>();
        for (int i = 0; i < settings.promptsPerRound(); i++) {
            asked.add(workload.next());
        }
        List<String> targetPrompts = new ArrayList<>();
        for (SkillPrompt prompt : asked) {
            for (int n = 0; n < settings.targetSamples(); n++) {
                targetPrompts.add(prompt.text());
            }
        }
        long thisRound = round++;
        List<String> targetAnswers = served.answer(
                targetPrompts,
                new SamplingConfig(
                        settings.temperature(), 0, 1.0, MAX_NEW_TOKENS, settings.seed() * 1_000_003 + thisRound));
        List<List<String>> sourceAnswers =
                sources.stream().map(source -> source.answer(asked, thisRound)).toList();
        for (int i = 0; i < asked.size(); i++) {
            SkillPrompt prompt = asked.get(i);
            String promptId = UUID.randomUUID().toString();
            List<Answer> answers = new ArrayList<>();
            for (int s = 0; s < sources.size(); s++) {
                addAnswer(
                        answers,
                        prompt,
                        promptId,
                        sourceAnswers.get(s).get(i),
                        FeedbackClient.source(sources.get(s).name()));
            }
            for (String answer :
                    targetAnswers.subList(i * settings.targetSamples(), (i + 1) * settings.targetSamples())) {
                addAnswer(answers, prompt, promptId, answer, FeedbackClient.target(modelName, served.version()));
            }
            answers.forEach(answer -> sendGeneration(answer.generation()));
            answers.forEach(answer -> feedback(promptId, answer));
            prompts.incrementAndGet();
        }
    }

    private void addAnswer(List<Answer> answers, SkillPrompt prompt, String promptId, String answer, ModelRef model) {
        if (answer.isBlank()) {
            emptyAnswers.incrementAndGet(); // an app shows nothing and logs nothing for a blank answer
            return;
        }
        answers.add(new Answer(
                FeedbackClient.generation(promptId, List.of(FeedbackClient.user(prompt.text())), answer, model),
                prompt));
    }

    private void sendGeneration(GenerationEvent generation) {
        String model = generation.getModel().getName().toString();
        count(client.send(generation)
                .thenRun(() -> generationsByModel
                        .computeIfAbsent(model, name -> new AtomicLong())
                        .incrementAndGet()));
    }

    /** The checker's graded reward as a reward-model score in [-1, 1]; thumbs from some users, some of them wrong. */
    private void feedback(String promptId, Answer answer) {
        double reward = answer.prompt().reward(answer.generation().getResponse().toString());
        String generationId = answer.generation().getEventId().toString();
        count(client.rewardScore(promptId, generationId, 2 * reward - 1, CHECKER));
        if (random.nextDouble() < settings.thumbsRate()) {
            boolean up = (reward >= 0.5) != (random.nextDouble() < settings.thumbsNoise());
            count(client.thumbs(promptId, generationId, up, FeedbackClient.endUser("user-" + random.nextInt(1_000))));
        }
    }

    private void count(CompletableFuture<?> sent) {
        events.incrementAndGet();
        sent.whenComplete((ok, failure) -> {
            if (failure != null) {
                failedSends.incrementAndGet();
            }
        });
    }

    private record Answer(GenerationEvent generation, SkillPrompt prompt) {}

    /** The trainer records its stage with every candidate ({@code eval/stage}: 0 SFT, 1 preference). */
    private static boolean publishedInPreferenceStage(ModelVersion version) {
        Double stage = version.getEvalMetrics().get(GatedPublication.STAGE_METRIC);
        return stage != null && stage > 0;
    }

    LearningBoard board() {
        return board;
    }

    long prompts() {
        return prompts.get();
    }

    long events() {
        return events.get();
    }

    long failedSends() {
        return failedSends.get();
    }

    long emptyAnswers() {
        return emptyAnswers.get();
    }

    /** Generation events the broker acknowledged, per model name. */
    Map<String, Long> generationsByModel() {
        Map<String, Long> counts = new TreeMap<>();
        generationsByModel.forEach((model, count) -> counts.put(model, count.get()));
        return counts;
    }

    long servedVersion() {
        return served.version();
    }

    @Override
    public void close() {
        served.close();
    }
}
