package dev.fuseflow.local.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.SkillWorkload;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each source's tokenizer files, read as the trainer and the app read them (DJL's Hugging Face
 * tokenizers, the folder's Jinja template): every workload prompt encodes and decodes back to its
 * rendered text, and every answer of the source's skills comes back exactly from the response's
 * tokens up to the end-of-turn token, where generation stops.
 */
class SourceTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void theWordsmithsByteLevelBpeRoundTripsItsWorkload() throws IOException {
        assertRoundTrips(SourceRecipes.wordsmith());
    }

    @Test
    void theNumeristsCharacterTokenizerRoundTripsItsWorkload() throws IOException {
        assertRoundTrips(SourceRecipes.numerist());
    }

    private void assertRoundTrips(SourceRecipe recipe) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(recipe.name()));
        recipe.tokenizer().write(folder);
        recipe.architecture().writeFresh(folder, recipe.shape(), recipe.seed());
        List<String> wrong = new ArrayList<>();
        try (PromptResponseEncoder encoder = PromptResponseEncoder.forModel(folder, ModelDirectory.tokenizer(folder))) {
            long endOfTurn = encoder.endOfTurnId();
            for (SkillPrompt prompt : prompts()) {
                List<ChatMessage> chat = List.of(new ChatMessage(ChatRole.USER, prompt.text()));
                String rendered = encoder.template().prompt(chat);
                if (!encoder.decode(encoder.promptIds(chat)).equals(rendered)) {
                    wrong.add("prompt " + rendered);
                }
                if (recipe.skills().contains(prompt.skill())) {
                    long[] response = encoder.responseIds(chat, prompt.answer());
                    int end = Arrays.stream(response).boxed().toList().indexOf(endOfTurn);
                    String answer = encoder.decodeText(Arrays.copyOf(response, Math.max(end, 0)));
                    if (end < 0 || !answer.equals(prompt.answer())) {
                        wrong.add(prompt.text() + " -> '" + answer + "'");
                    }
                }
            }
        }
        assertThat(wrong).as(recipe.name()).isEmpty();
    }

    /** Training-side and held-out prompts of every skill. */
    private static List<SkillPrompt> prompts() {
        List<SkillPrompt> prompts = new ArrayList<>(SkillWorkload.heldOut(3, List.of(Skill.values()), 50));
        SkillWorkload workload = new SkillWorkload(3, List.of(Skill.values()));
        for (int i = 0; i < 400; i++) {
            prompts.add(workload.next());
        }
        return prompts;
    }
}
