package dev.fuseflow.schemas.bench;

import dev.fuseflow.schemas.SampleRecords;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.registry.InMemorySchemaRegistryClient;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.GeneratedClassTrust;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.serde.SubjectNameStrategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Serializer + deserializer throughput of FuseFlow's Confluent-wire-format serde against plain
 * Avro binary encoding of the same PreferenceSample records (no framing, no registry), side by
 * side in one JVM. Goal: ratio >= 0.9.
 *
 * <p>Why not one JMH benchmark per side: JMH runs each benchmark in its own fork, and on a
 * 2-core VM the fork-to-fork spread (seen: the same plain-Avro benchmark at 360k and 536k
 * records/s in two runs) swamps a 10 % difference. Here both sides run in alternating rounds in
 * the same JVM, so they share JIT state and machine noise, and the ratio is the median of the
 * per-round ratios. Registry caches are warm after the first record: no side touches a network.
 *
 * <p>Run: {@code mvn -B -q -Pbench-serde -pl schemas -am verify -DskipTests} (docs/results.md, "Serde throughput").
 */
public final class SerdeThroughputBenchmark {

    private static final String TOPIC = "fuseflow.preferences.v1";
    private static final int DISTINCT_RECORDS = 64;
    private static final int WARMUP_ROUNDS = 6;
    private static final int MEASURED_ROUNDS = 20;
    private static final int RECORDS_PER_ROUND = 200_000;

    private final List<PreferenceSample> samples = new ArrayList<>();
    private final KafkaAvroSerializer<PreferenceSample> serializer;
    private final KafkaAvroDeserializer<PreferenceSample> deserializer;
    private final SpecificDatumWriter<PreferenceSample> plainWriter;
    private final SpecificDatumReader<PreferenceSample> plainReader;
    private long sink;

    private SerdeThroughputBenchmark() {
        GeneratedClassTrust.install();
        plainWriter = new SpecificDatumWriter<>(PreferenceSample.class);
        plainReader = new SpecificDatumReader<>(PreferenceSample.class);
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        serializer = new KafkaAvroSerializer<>(
                registry, new AvroSerdeConfig(true, false, true, SubjectNameStrategy.TOPIC_NAME), false);
        deserializer = new KafkaAvroDeserializer<>(registry, PreferenceSample.class, false);
        for (int i = 0; i < DISTINCT_RECORDS; i++) {
            samples.add(SampleRecords.preference(i));
        }
    }

    /** Seconds for one round of serialize + deserialize through FuseFlow's serde. */
    private double fuseflowRound() {
        long start = System.nanoTime();
        for (int i = 0; i < RECORDS_PER_ROUND; i++) {
            PreferenceSample read =
                    deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, samples.get(i % DISTINCT_RECORDS)));
            sink += read.getEvidence().getSignalCount();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for one round of the same through plain Avro, written the way the serializer writes. */
    private double plainRound() {
        long start = System.nanoTime();
        try {
            for (int i = 0; i < RECORDS_PER_ROUND; i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                plainWriter.write(samples.get(i % DISTINCT_RECORDS), encoder);
                encoder.flush();
                byte[] bytes = out.toByteArray();
                PreferenceSample read =
                        plainReader.read(null, DecoderFactory.get().binaryDecoder(bytes, 0, bytes.length, null));
                sink += read.getEvidence().getSignalCount();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void run() {
        System.out.printf(
                Locale.ROOT, "Warm-up: %d rounds of %,d records per side%n", WARMUP_ROUNDS, RECORDS_PER_ROUND);
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            fuseflowRound();
            plainRound();
        }
        double[] fuseflowRate = new double[MEASURED_ROUNDS];
        double[] plainRate = new double[MEASURED_ROUNDS];
        double[] ratio = new double[MEASURED_ROUNDS];
        for (int round = 0; round < MEASURED_ROUNDS; round++) {
            // Alternate which side goes first so that neither always runs on a warmer cache.
            double fuseflowSeconds;
            double plainSeconds;
            if (round % 2 == 0) {
                fuseflowSeconds = fuseflowRound();
                plainSeconds = plainRound();
            } else {
                plainSeconds = plainRound();
                fuseflowSeconds = fuseflowRound();
            }
            fuseflowRate[round] = RECORDS_PER_ROUND / fuseflowSeconds;
            plainRate[round] = RECORDS_PER_ROUND / plainSeconds;
            ratio[round] = fuseflowRate[round] / plainRate[round];
            System.out.printf(
                    Locale.ROOT,
                    "  round %2d/%d  fuseflow %,10.0f rec/s  plain avro %,10.0f rec/s  ratio %.3f%n",
                    round + 1,
                    MEASURED_ROUNDS,
                    fuseflowRate[round],
                    plainRate[round],
                    ratio[round]);
        }
        double medianRatio = percentile(ratio, 50);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "PreferenceSample serialize + deserialize, median of %d alternating rounds:%n",
                MEASURED_ROUNDS);
        System.out.printf(
                Locale.ROOT,
                "  fuseflow serde (Confluent wire format, warm registry cache) %,12.0f records/s%n",
                percentile(fuseflowRate, 50));
        System.out.printf(
                Locale.ROOT,
                "  plain Avro binary (no framing, no registry)                 %,12.0f records/s%n",
                percentile(plainRate, 50));
        System.out.printf(
                Locale.ROOT,
                "  ratio %.3f (10th-90th percentile of per-round ratios: %.3f-%.3f)%n",
                medianRatio,
                percentile(ratio, 10),
                percentile(ratio, 90));
        System.out.printf(Locale.ROOT, "Goal ratio >= 0.90: %s%n", medianRatio >= 0.9 ? "MET" : "NOT MET");
        System.out.println("(checksum " + sink + ")");
    }

    private static double percentile(double[] values, int percent) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round((sorted.length - 1) * percent / 100.0)];
    }

    public static void main(String[] args) {
        new SerdeThroughputBenchmark().run();
    }
}
