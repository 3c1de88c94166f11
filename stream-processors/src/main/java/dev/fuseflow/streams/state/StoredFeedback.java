package dev.fuseflow.streams.state;

import dev.fuseflow.schemas.avro.FeedbackEvent;

/** A feedback event with where it was read, kept so that a late dead letter can point at its source. */
public record StoredFeedback(FeedbackEvent event, int partition, long offset, long timestamp) {}
