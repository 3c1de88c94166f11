package dev.fuseflow.trainer.data;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The trainer's test workload, small enough for the built-in tiny models to learn in a minute on a
 * CPU: "shout this word" ({@code shout: abc} is answered {@code ABC!}). The strong source answers
 * correctly (y_ws); the target's best own answer (y_wt) is right more often than not but sometimes
 * slips a letter; its worst (y_l) repeats the word as it came. The task reward of a response is 1
 * for the exact answer, else the share of positions it gets right, so progress can be measured on
 * generated answers too. (A reversal task was tried first: the tiny models memorised its training
 * pairs without generalising to held-out words.) A test fixture: the trainer's test jar publishes it
 * for other modules (the benchmarks' device check, {@code fuseflow-demo demo-data --task SHOUT}).
 */
public final class ShoutTask {

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";
    private static final String CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private ShoutTask() {}

    public static String prompt(String word) {
        return "shout: " + word;
    }

    public static String answer(String word) {
        return word.toUpperCase(Locale.ROOT) + "!";
    }

    /** 1 for the exact answer, otherwise the share of the expected characters in place. */
    public static double reward(String word, String response) {
        String expected = answer(word);
        if (expected.equals(response)) {
            return 1.0;
        }
        int right = 0;
        for (int i = 0; i < Math.min(expected.length(), response.length()); i++) {
            right += expected.charAt(i) == response.charAt(i) ? 1 : 0;
        }
        return (double) right / Math.max(expected.length(), response.length());
    }

    /** {@code count} samples of words of 3 to 6 letters drawn from {@code seed}. */
    public static List<WrpoExample> samples(int count, long seed) {
        Random random = new Random(seed);
        List<WrpoExample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String word = word(random);
            String targetBest = random.nextDouble() < 0.7 ? answer(word) : slip(answer(word), random);
            samples.add(new WrpoExample(
                    "shout-" + seed + "-" + i,
                    "shout-" + seed + "-" + i,
                    List.of(new ChatMessage(ChatRole.USER, prompt(word))),
                    answer(word),
                    targetBest,
                    word,
                    1.0));
        }
        return samples;
    }

    private static String word(Random random) {
        int length = 3 + random.nextInt(4);
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return word.toString();
    }

    private static String slip(String text, Random random) {
        char[] chars = text.toCharArray();
        int at = random.nextInt(chars.length - 1);
        chars[at] = CAPITALS.charAt(
                (CAPITALS.indexOf(chars[at]) + 1 + random.nextInt(CAPITALS.length() - 1)) % CAPITALS.length());
        return new String(chars);
    }
}
