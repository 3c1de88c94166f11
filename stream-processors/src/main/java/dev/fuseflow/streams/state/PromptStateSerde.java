package dev.fuseflow.streams.state;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.serde.GeneratedClassTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Store format of {@link PromptState}: a format version byte, then Avro binary of the events with
 * the contracts' own schemas, and the bookkeeping fields. The store is internal to this
 * application, so it needs no registry; the version byte lets a later release read old state.
 * Hand-written because the state combines two contract records with fields of its own and Avro
 * has no container for that short of a new schema that would copy the contracts.
 */
public final class PromptStateSerde implements Serde<PromptState> {

    static final byte FORMAT_VERSION = 1;

    private final SpecificDatumWriter<GenerationEvent> generationWriter;
    private final SpecificDatumWriter<FeedbackEvent> feedbackWriter;
    private final SpecificDatumReader<GenerationEvent> generationReader;
    private final SpecificDatumReader<FeedbackEvent> feedbackReader;

    public PromptStateSerde() {
        GeneratedClassTrust.install();
        generationWriter = new SpecificDatumWriter<>(GenerationEvent.class);
        feedbackWriter = new SpecificDatumWriter<>(FeedbackEvent.class);
        generationReader = new SpecificDatumReader<>(GenerationEvent.class);
        feedbackReader = new SpecificDatumReader<>(FeedbackEvent.class);
    }

    @Override
    public Serializer<PromptState> serializer() {
        return (topic, state) -> state == null ? null : encode(state);
    }

    @Override
    public Deserializer<PromptState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(topic, bytes);
    }

    byte[] encode(PromptState state) {
        // Sized for the whole state, so that the buffer never grows: a state is written at every event of its prompt.
        ByteArrayOutputStream out = new ByteArrayOutputStream(encodedSizeBound(state));
        out.write(FORMAT_VERSION);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoder.writeArrayStart();
            encoder.setItemCount(state.generations().size());
            for (GenerationEvent g : state.generations()) {
                encoder.startItem();
                encoder.writeFixed(body(state, g));
            }
            encoder.writeArrayEnd();
            encoder.writeArrayStart();
            encoder.setItemCount(state.storedFeedback().size());
            for (StoredFeedback f : state.storedFeedback()) {
                encoder.startItem();
                encoder.writeFixed(body(state, f));
                encoder.writeInt(f.partition());
                encoder.writeLong(f.offset());
                encoder.writeLong(f.timestamp());
            }
            encoder.writeArrayEnd();
            encoder.writeString(state.lastEmittedSampleId().orElse(""));
            encoder.writeLong(state.lastActivityMs());
            encoder.flush();
        } catch (IOException e) {
            throw new SerializationException("Cannot encode prompt state", e);
        }
        return out.toByteArray();
    }

    /** Event bodies plus a generous bound for the rest (varints take at most 10 bytes; ids are short). */
    private int encodedSizeBound(PromptState state) {
        int size = 64;
        for (GenerationEvent g : state.generations()) {
            size += body(state, g).length + 10;
        }
        for (StoredFeedback f : state.storedFeedback()) {
            size += body(state, f).length + 40;
        }
        return size + 3 * state.lastEmittedSampleId().map(String::length).orElse(0);
    }

    /** The generation's Avro body: the one it arrived with, or encoded once and kept by the state. */
    private byte[] body(PromptState state, GenerationEvent generation) {
        return state.encoding(generation, e -> avro(generationWriter, (GenerationEvent) e));
    }

    private byte[] body(PromptState state, StoredFeedback feedback) {
        return state.encoding(feedback.event(), e -> avro(feedbackWriter, (FeedbackEvent) e));
    }

    private static <T> byte[] avro(SpecificDatumWriter<T> writer, T event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new SerializationException(
                    "Cannot encode " + event.getClass().getSimpleName() + " for the prompt state", e);
        }
        return out.toByteArray();
    }

    PromptState decode(String topic, byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_VERSION) {
            throw new SerializationException("Prompt state in '" + topic + "' has format version "
                    + (bytes.length == 0 ? "none" : bytes[0]) + "; this release reads version " + FORMAT_VERSION);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            List<GenerationEvent> generations = new ArrayList<>();
            for (long n = decoder.readArrayStart(); n > 0; n = decoder.arrayNext()) {
                for (long i = 0; i < n; i++) {
                    generations.add(generationReader.read(null, decoder));
                }
            }
            List<StoredFeedback> feedback = new ArrayList<>();
            for (long n = decoder.readArrayStart(); n > 0; n = decoder.arrayNext()) {
                for (long i = 0; i < n; i++) {
                    feedback.add(new StoredFeedback(
                            feedbackReader.read(null, decoder),
                            decoder.readInt(),
                            decoder.readLong(),
                            decoder.readLong()));
                }
            }
            String lastEmitted = decoder.readString();
            long lastActivity = decoder.readLong();
            return new PromptState(generations, feedback, lastEmitted.isEmpty() ? null : lastEmitted, lastActivity);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot decode prompt state from '" + topic + "' (" + bytes.length + " bytes)", e);
        }
    }
}
