package dev.fuseflow.ops.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON every ops command writes with {@code --json} and the status page reads: ISO-8601 times
 * and durations, empty optionals as null, NaN as the string "NaN" (Jackson's default, which
 * browsers' JSON.parse accepts).
 */
public final class OpsJson {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    private OpsJson() {}
}
