package dev.fuseflow.producers.importer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * How one JSONL line becomes FuseFlow events. Event ids must be a pure function of the line, so
 * that a line imported twice (a re-run after a crash) yields the same events, which the stream
 * processors then count once.
 */
interface LineFormat {

    /** The events of one line, generations before the feedback that refers to them. */
    List<SpecificRecord> events(JsonNode line, String rawLine);
}
