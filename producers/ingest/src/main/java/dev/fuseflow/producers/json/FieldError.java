package dev.fuseflow.producers.json;

/** One thing wrong with an event's JSON: the field's path (e.g. {@code signal.value}) and the problem. */
public record FieldError(String field, String problem) {

    @Override
    public String toString() {
        return "field '" + field + "' " + problem;
    }
}
