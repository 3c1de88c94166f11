package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.ScriptedSource;
import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.SkillWorkload;
import dev.fuseflow.demo.skills.TaskRewardEvaluator;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.schemas.avro.GenerationEvent;
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
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo app, closing the loop as a production app would: users ask workload prompts; the
 * scripted SOURCE models and the served TARGET version (several samples each) answer; every answer
 * is logged as a generation; the checker's graded reward is logged as a reward-model score and
 * some users give (noisy) thumbs. When a new version is PUBLISHED the app loads it and serves it
 * from the next round on, and measures it on the held-out prompts.
 */
public final class DemoApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoApp.class);
    private static final String CHECKER = "skills-checker-v1";
    private static final int MAX_NEW_TOKENS = 12;
    private static final int EVAL_MAX_NEW_TOKENS = 16;

    private final DemoSettings settings;
    private final FeedbackClient client;
    private final PipelineObserver observer;
    private final List<ScriptedSource> sources;
    private final LearningBoard board;
    private final String modelName;
    private final SkillWorkload workload;
    private final Random random;
    private final AtomicLong prompts = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong failedSends = new AtomicLong();
    private final AtomicLong emptyAnswers = new AtomicLong();
    private volatile ServedTarget served;
    private volatile boolean stopping;
    private long round;

    public DemoApp(
            DemoSettings settings, FeedbackClient client, PipelineObserver observer, Path startModel, String modelName)
            throws IOException {
        this.settings = settings;
        this.client = client;
        this.observer = observer;
        this.modelName = modelName;
        this.sources = ScriptedSource.demoPair();
        this.workload = new SkillWorkload(settings.seed(), List.of(Skill.values()));
        this.random = new Random(settings.seed());
        this.board = new LearningBoard(
                SkillWorkload.heldOut(settings.seed() + 1, List.of(Skill.values()), settings.heldOutPerSkill()),
                sources,
                settings.seed() + 2);
        this.served = ServedTarget.load(startModel, 0);
        board.measured(0, measure(served), false);
    }

    /** Serves rounds until {@link #stop} or the demo duration is up. */
    public void run() {
        long deadline = System.nanoTime() + settings.duration().toNanos();
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

    private void reload(ModelVersion version) {
        try {
            ServedTarget next = ServedTarget.load(
                    Path.of(URI.create(version.getArtifactUri().toString())), version.getVersion());
            ServedTarget previous = served;
            served = next;
            previous.close();
            TaskReward reward = measure(next);
            board.measured(version.getVersion(), reward, publishedInPreferenceStage(version));
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

    private TaskReward measure(ServedTarget target) {
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
        List<String> targetAnswers = served.answer(
                targetPrompts,
                new SamplingConfig(
                        settings.temperature(), 0, 1.0, MAX_NEW_TOKENS, settings.seed() * 1_000_003 + round++));
        for (int i = 0; i < asked.size(); i++) {
            SkillPrompt prompt = asked.get(i);
            String promptId = UUID.randomUUID().toString();
            List<Answer> answers = new ArrayList<>();
            for (ScriptedSource source : sources) {
                answers.add(new Answer(
                        FeedbackClient.generation(
                                promptId,
                                List.of(FeedbackClient.user(prompt.text())),
                                source.respond(prompt, random),
                                FeedbackClient.source(source.name())),
                        prompt));
            }
            for (String answer :
                    targetAnswers.subList(i * settings.targetSamples(), (i + 1) * settings.targetSamples())) {
                if (answer.isBlank()) {
                    emptyAnswers.incrementAndGet(); // an app shows nothing and logs nothing for a blank answer
                    continue;
                }
                answers.add(new Answer(
                        FeedbackClient.generation(
                                promptId,
                                List.of(FeedbackClient.user(prompt.text())),
                                answer,
                                FeedbackClient.target(modelName, served.version())),
                        prompt));
            }
            answers.forEach(answer -> count(client.send(answer.generation())));
            answers.forEach(answer -> feedback(promptId, answer));
            prompts.incrementAndGet();
        }
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

    long servedVersion() {
        return served.version();
    }

    @Override
    public void close() {
        served.close();
    }
}
