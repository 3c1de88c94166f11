package dev.fuseflow.demo.skills;

import java.util.Optional;

/** One prompt of the multi-skill workload: the skill and its input; the prompt text and the answer follow from them. */
public record SkillPrompt(Skill skill, String input) {

    private static final String SEPARATOR = ": ";

    /** What the user writes, e.g. {@code sort: 4132}. */
    public String text() {
        return skill.promptName() + SEPARATOR + input;
    }

    public String answer() {
        return skill.answer(input);
    }

    /** The graded reward of a response to this prompt (see {@link GradedReward}). */
    public double reward(String response) {
        return GradedReward.score(answer(), response);
    }

    /** The workload prompt a text is, or empty when the text is not one (any other traffic). */
    public static Optional<SkillPrompt> parse(String text) {
        int colon = text.indexOf(SEPARATOR);
        if (colon < 0) {
            return Optional.empty();
        }
        String name = text.substring(0, colon);
        String input = text.substring(colon + SEPARATOR.length());
        for (Skill skill : Skill.values()) {
            if (skill.promptName().equals(name) && isValidInput(skill, input)) {
                return Optional.of(new SkillPrompt(skill, input));
            }
        }
        return Optional.empty();
    }

    private static boolean isValidInput(Skill skill, String input) {
        return switch (skill) {
            case REVERSE, UPPER -> input.matches("[a-z]{1,16}");
            case SORT -> input.matches("[0-9]{1,16}");
            case ADD -> input.matches("[0-9]{1,4}\\+[0-9]{1,4}");
        };
    }
}
