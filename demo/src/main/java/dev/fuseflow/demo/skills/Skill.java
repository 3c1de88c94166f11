package dev.fuseflow.demo.skills;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The skills of FuseFlow's multi-skill demo workload. Each has a prompt form
 * ({@code "<name>: <input>"}), one right answer computed from the input, random inputs small
 * enough for the built-in tiny models, and a plausible wrong answer of the kind a model weak at the
 * skill gives (partly right, so graded rewards separate "nearly" from "nothing").
 */
public enum Skill {

    /** {@code reverse: abcd} is answered {@code dcba}. */
    REVERSE("reverse") {
        @Override
        public String answer(String input) {
            return new StringBuilder(input).reverse().toString();
        }

        @Override
        String input(Random random) {
            return letters(random, 3 + random.nextInt(3));
        }

        @Override
        String weakAnswer(String input, Random random) {
            // Starts right, then loses track: the first half reversed, the rest as it came.
            String reversed = answer(input);
            int keep = 1 + random.nextInt(Math.max(1, input.length() / 2));
            return reversed.substring(0, keep) + input.substring(keep);
        }
    },

    /** {@code sort: 4132} is answered {@code 1234}. */
    SORT("sort") {
        @Override
        public String answer(String input) {
            char[] digits = input.toCharArray();
            Arrays.sort(digits);
            return new String(digits);
        }

        @Override
        String input(Random random) {
            StringBuilder digits = new StringBuilder();
            int length = 3 + random.nextInt(3);
            for (int i = 0; i < length; i++) {
                digits.append((char) ('0' + random.nextInt(10)));
            }
            return digits.toString();
        }

        @Override
        String weakAnswer(String input, Random random) {
            // One bubble-sort pass: the largest digit ends last, the rest stays half sorted.
            char[] digits = input.toCharArray();
            for (int i = 0; i + 1 < digits.length; i++) {
                if (digits[i] > digits[i + 1]) {
                    char swap = digits[i];
                    digits[i] = digits[i + 1];
                    digits[i + 1] = swap;
                }
            }
            return new String(digits);
        }
    },

    /** {@code add: 12+7} is answered {@code 19}. */
    ADD("add") {
        @Override
        public String answer(String input) {
            int plus = input.indexOf('+');
            return Integer.toString(
                    Integer.parseInt(input.substring(0, plus)) + Integer.parseInt(input.substring(plus + 1)));
        }

        @Override
        String input(Random random) {
            return random.nextInt(20) + "+" + random.nextInt(20);
        }

        @Override
        String weakAnswer(String input, Random random) {
            // A carry or a digit off: close in value, right in some places.
            int sum = Integer.parseInt(answer(input));
            int off = (1 + random.nextInt(9)) * (random.nextBoolean() ? 1 : -1);
            return Integer.toString(Math.abs(sum + off));
        }
    },

    /** {@code upper: abc} is answered {@code ABC}. */
    UPPER("upper") {
        @Override
        public String answer(String input) {
            return input.toUpperCase(Locale.ROOT);
        }

        @Override
        String input(Random random) {
            return letters(random, 3 + random.nextInt(4));
        }

        @Override
        String weakAnswer(String input, Random random) {
            // Capitalises only the start, as a title.
            int capitals = 1 + random.nextInt(Math.max(1, input.length() / 2));
            return input.substring(0, capitals).toUpperCase(Locale.ROOT) + input.substring(capitals);
        }
    };

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    private final String promptName;

    Skill(String promptName) {
        this.promptName = promptName;
    }

    /** The word that starts this skill's prompts. */
    public String promptName() {
        return promptName;
    }

    /** The right answer to this skill's prompt on {@code input}. */
    public abstract String answer(String input);

    /** A random input of the size the tiny models handle. */
    abstract String input(Random random);

    /** A plausible wrong answer: what a model weak at this skill says. */
    abstract String weakAnswer(String input, Random random);

    static String letters(Random random, int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return word.toString();
    }
}
