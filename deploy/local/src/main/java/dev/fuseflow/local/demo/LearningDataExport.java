package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.SkillSamples;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.export.SampleExport;
import dev.fuseflow.trainer.topics.TopicSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A demo's stream and its held-out prompts as the files of an offline run ({@code train --data --eval-data}):
 * {@code samples.jsonl}, every preference sample the stream emitted (what {@code export-samples} writes), and
 * {@code held-out.jsonl}, the learning board's held-out prompts of these settings' seed (never asked in any
 * stream: {@code SkillWorkload.isHeldOut}) with their right answer as the chosen responses and a weak one as the
 * rejected. The learning experiment trains its GPU-scale arms on these (docs/learning.md).
 */
public final class LearningDataExport {

    public static final String SAMPLES = "samples.jsonl";
    public static final String HELD_OUT = "held-out.jsonl";

    private LearningDataExport() {}

    /** Writes both files into {@code dir}; returns them. */
    public static List<Path> write(
            String bootstrapServers, String registryUrl, DemoSettings settings, Path dir, PrintStream out)
            throws IOException {
        Files.createDirectories(dir);
        String topic = FuseFlowTopics.defaults().preferences().name();
        TopicSnapshot snapshot = new TopicSnapshot(
                Map.of("bootstrap.servers", bootstrapServers, "schema.registry.url", registryUrl),
                Duration.ofSeconds(60));
        SampleExport.Result samples = new SampleExport(snapshot).export(topic, dir.resolve(SAMPLES), out);
        Path heldOut = dir.resolve(HELD_OUT);
        List<WrpoExample> heldOutSamples = SkillSamples.heldOut(DemoApp.heldOut(settings), settings.seed() + 1);
        WrpoExampleJsonl.write(heldOut, heldOutSamples);
        out.printf(
                Locale.ROOT,
                "exported %d samples (left out: %s) to %s and %d held-out prompts to %s%n",
                samples.exported(),
                samples.leftOut(),
                samples.file(),
                heldOutSamples.size(),
                heldOut);
        return List.of(samples.file(), heldOut);
    }
}
