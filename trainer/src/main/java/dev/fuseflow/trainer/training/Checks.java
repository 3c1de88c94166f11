package dev.fuseflow.trainer.training;

/** The settings records' one validation helper: a rule that fails with the message that says what to fix. */
final class Checks {

    private Checks() {}

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
