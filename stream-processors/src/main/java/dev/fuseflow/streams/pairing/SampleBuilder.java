package dev.fuseflow.streams.pairing;

import dev.fuseflow.schemas.avro.Evidence;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.avro.SourceResponse;
import dev.fuseflow.schemas.avro.TargetResponse;
import dev.fuseflow.streams.scoring.Comparison;
import dev.fuseflow.streams.scoring.NamedResponses;
import dev.fuseflow.streams.scoring.ResponseScore;
import dev.fuseflow.streams.scoring.ResponseScorer;
import dev.fuseflow.streams.scoring.ScoringPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One prompt's generations and feedback in, its WRPO sample out (if it has one): scoring,
 * staleness filter, selection, weight, deterministic id. Pure: the same sets of events give the
 * same sample, byte for byte, in any order.
 */
public final class SampleBuilder {

    private final ScoringPolicy scoring;
    private final ResponseScorer scorer;
    private final WeightPolicy weights;
    private final EmissionPolicy emission;
    /** Written into every sample's evidence; formatted once (it showed in the stream thread's profile). */
    private final String scoringDescription;

    public SampleBuilder(ScoringPolicy scoring, WeightPolicy weights, EmissionPolicy emission) {
        this.scoring = scoring;
        this.scorer = new ResponseScorer(scoring);
        this.weights = weights;
        this.emission = emission;
        this.scoringDescription = scoring.describe();
    }

    /**
     * A decided sample: its id is known at once, the record is only built when someone needs it
     * (a sample that was already emitted is not rebuilt).
     */
    public record Decision(String sampleId, Supplier<PreferenceSample> sample) {}

    /**
     * @param newestPublished newest PUBLISHED version per target model name (from model-versions)
     */
    public Optional<PreferenceSample> build(
            String promptId,
            Collection<GenerationEvent> generations,
            Collection<FeedbackEvent> feedback,
            Map<String, Long> newestPublished) {
        return decide(promptId, generations, feedback, newestPublished)
                .map(d -> d.sample().get());
    }

    /** Like {@link #build}, with the record built lazily. */
    public Optional<Decision> decide(
            String promptId,
            Collection<GenerationEvent> generations,
            Collection<FeedbackEvent> feedback,
            Map<String, Long> newestPublished) {
        if (!enoughResponses(generations, newestPublished)
                || !enoughNamedResponses(generations, feedback, newestPublished)) {
            return Optional.empty();
        }
        Set<String> ids = new HashSet<>();
        for (GenerationEvent g : generations) {
            ids.add(g.getEventId());
        }
        List<FeedbackEvent> feedbackList = List.copyOf(feedback);
        Map<String, ResponseScore> scores = scorer.score(ids, feedbackList);
        List<Candidate> sources = new ArrayList<>();
        List<Candidate> targets = new ArrayList<>();
        for (GenerationEvent generation : generations) {
            ResponseScore score = scores.get(generation.getEventId());
            if (score == null) {
                continue;
            }
            if (generation.getModel().getRole() == ModelRole.SOURCE) {
                sources.add(new Candidate(generation, score));
            } else if (!isStale(generation, newestPublished)) {
                targets.add(new Candidate(generation, score));
            }
        }
        return SampleSelector.select(sources, targets, emission.minRewardGap()).map(selection -> {
            List<String> feedbackIds = usedFeedback(selection);
            String sampleId = SampleIds.of(promptId, selection, feedbackIds);
            return new Decision(
                    sampleId,
                    () -> toSample(
                            promptId,
                            sampleId,
                            selection,
                            feedbackIds,
                            ResponseScorer.comparisons(ids, feedbackList),
                            feedbackList));
        });
    }

    private static List<String> usedFeedback(Selection selection) {
        SortedSet<String> ids = new TreeSet<>();
        ids.addAll(selection.sourceChosen().score().feedbackIds());
        ids.addAll(selection.targetChosen().score().feedbackIds());
        ids.addAll(selection.targetRejected().score().feedbackIds());
        return List.copyOf(ids);
    }

    /** A cheap necessary condition, checked before any scoring: one source and two fresh target responses. */
    private boolean enoughResponses(Collection<GenerationEvent> generations, Map<String, Long> newestPublished) {
        int sources = 0;
        int targets = 0;
        for (GenerationEvent g : generations) {
            if (g.getModel().getRole() == ModelRole.SOURCE) {
                sources++;
            } else if (!isStale(g, newestPublished)) {
                targets++;
            }
        }
        return sources >= 1 && targets >= 2;
    }

    /**
     * The same condition counting only responses some feedback names: a response without a signal
     * has no score. Most events of a prompt arrive before its sample can exist, and this spares them
     * the scoring.
     */
    private boolean enoughNamedResponses(
            Collection<GenerationEvent> generations,
            Collection<FeedbackEvent> feedback,
            Map<String, Long> newestPublished) {
        Set<String> named = new HashSet<>();
        for (FeedbackEvent f : feedback) {
            named.addAll(NamedResponses.of(f));
        }
        List<GenerationEvent> scorable = new ArrayList<>();
        for (GenerationEvent g : generations) {
            if (named.contains(g.getEventId())) {
                scorable.add(g);
            }
        }
        return enoughResponses(scorable, newestPublished);
    }

    /** True for a TARGET response more than maxVersionLag versions behind the newest published one. */
    public boolean isStale(GenerationEvent generation, Map<String, Long> newestPublished) {
        Long newest = newestPublished.get(generation.getModel().getName());
        Long version = generation.getModel().getTargetVersion();
        return newest != null && version != null && version < newest - emission.maxVersionLag();
    }

    private PreferenceSample toSample(
            String promptId,
            String sampleId,
            Selection selection,
            List<String> feedbackIds,
            List<Comparison> comparisons,
            List<FeedbackEvent> feedback) {
        List<Candidate> chosen =
                List.of(selection.sourceChosen(), selection.targetChosen(), selection.targetRejected());
        SortedSet<String> givers = new TreeSet<>();
        chosen.forEach(c -> givers.addAll(c.score().givers()));
        double agreement = Agreement.between(
                selection.targetChosen().score(), selection.targetRejected().score(), comparisons);
        double gap = selection.rewardGap();
        Evidence evidence = Evidence.newBuilder()
                .setSignalCount(feedbackIds.size())
                .setDistinctGivers(givers.size())
                .setAgreement(agreement)
                .setRewardGap(gap)
                .setFeedbackEventIds(List.copyOf(feedbackIds))
                .setScoringPolicy(scoringDescription)
                .build();
        GenerationEvent targetChosen = selection.targetChosen().generation();
        return PreferenceSample.newBuilder()
                .setSampleId(sampleId)
                .setPromptId(promptId)
                .setPrompt(targetChosen.getPrompt())
                .setSourceChosen(new SourceResponse(
                        selection.sourceChosen().generationId(),
                        selection.sourceChosen().generation().getResponse(),
                        selection.sourceChosen().generation().getModel().getName(),
                        selection.sourceChosen().reward()))
                .setTargetChosen(target(selection.targetChosen()))
                .setTargetRejected(target(selection.targetRejected()))
                .setWeight(weights.weight(feedbackIds.size(), agreement, gap))
                .setEvidence(evidence)
                .setCreatedAt(latest(chosen, feedback, Set.copyOf(feedbackIds)))
                .build();
    }

    private static TargetResponse target(Candidate candidate) {
        return new TargetResponse(
                candidate.generationId(),
                candidate.generation().getResponse(),
                candidate.generation().getModel().getTargetVersion(),
                candidate.reward());
    }

    /** The newest event time among the evidence: deterministic, unlike the wall clock. */
    private static Instant latest(List<Candidate> chosen, List<FeedbackEvent> feedback, Set<String> usedFeedback) {
        return Stream.concat(
                        chosen.stream().map(c -> c.generation().getCreatedAt()),
                        feedback.stream()
                                .filter(f -> usedFeedback.contains(f.getEventId()))
                                .map(FeedbackEvent::getCreatedAt))
                .max(Instant::compareTo)
                .orElseThrow();
    }
}
