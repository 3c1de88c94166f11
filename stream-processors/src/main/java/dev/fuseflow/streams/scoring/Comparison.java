package dev.fuseflow.streams.scoring;

/** One pairwise choice: {@code winner} was preferred over {@code loser}. */
public record Comparison(String winner, String loser) {}
