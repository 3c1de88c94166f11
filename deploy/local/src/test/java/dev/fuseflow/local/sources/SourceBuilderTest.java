package dev.fuseflow.local.sources;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.tokenizer.ChatTemplates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source builder on budgets of two updates: each source is another architecture, tokenizer and
 * template than the target; a build is reused while it is there, made again when it is missing, and a
 * changed recipe makes a new one and removes the old.
 */
class SourceBuilderTest {

    private static final int TWO_UPDATES = 64;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @Test
    void eachSourceHasAnotherArchitectureTokenizerAndTemplateThanTheTarget() throws IOException {
        Path target = dir.resolve("target");
        FreshModel.LLAMA_TINY.write(target, 7);
        SourceBuilder builder = new SourceBuilder(dir.resolve("sources"), out);
        Path wordsmith = builder.model(SourceRecipes.wordsmith().withSamples(TWO_UPDATES));
        Path numerist = builder.model(SourceRecipes.numerist().withSamples(TWO_UPDATES));

        assertThat(List.of(
                        ModelDirectory.modelType(target),
                        ModelDirectory.modelType(wordsmith),
                        ModelDirectory.modelType(numerist)))
                .containsExactly("llama", "gpt2", "qwen3");
        assertThat(List.of(ModelDirectory.tokenizerIds(wordsmith), ModelDirectory.tokenizerIds(numerist)))
                .as("vocabulary sizes beside the target's %d", ModelDirectory.tokenizerIds(target))
                .doesNotContain(ModelDirectory.tokenizerIds(target))
                .doesNotHaveDuplicates();
        String prompt = "sort: 4132";
        List<String> renderedIds = List.of(
                encodedPrompt(target, prompt), encodedPrompt(wordsmith, prompt), encodedPrompt(numerist, prompt));
        assertThat(renderedIds)
                .as("the same chat prompt as each model's token ids")
                .doesNotHaveDuplicates();
    }

    @Test
    void aBuildIsReusedRebuiltWhenMissingAndReplacedWhenItsRecipeChanges() throws IOException {
        Path sources = dir.resolve("sources");
        SourceBuilder builder = new SourceBuilder(sources, out);
        SourceRecipe recipe = SourceRecipes.wordsmith().withSamples(TWO_UPDATES);

        Path first = builder.model(recipe);
        byte[] weights = Files.readAllBytes(first.resolve("model.safetensors"));
        assertThat(Files.readString(first.resolveSibling(SourceBuilder.RECIPE))).isEqualTo(recipe.describe());
        console.reset();

        assertThat(builder.model(recipe)).isEqualTo(first);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("reusing").doesNotContain("training");
        assertThat(Files.readAllBytes(first.resolve("model.safetensors"))).isEqualTo(weights);

        SourceBuilder.deleteTree(first);
        console.reset();
        assertThat(builder.model(recipe)).isEqualTo(first);
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("training")
                .doesNotContain("reusing");
        assertThat(first.resolve("model.safetensors")).isRegularFile();

        SourceRecipe changed = recipe.withSamples(TWO_UPDATES + 32);
        assertThat(changed.fingerprint()).isNotEqualTo(recipe.fingerprint());
        Path rebuilt = builder.model(changed);
        assertThat(rebuilt).isNotEqualTo(first);
        assertThat(rebuilt.resolve("model.safetensors")).isRegularFile();
        try (var builds = Files.list(sources)) {
            assertThat(builds.map(p -> p.getFileName().toString()))
                    .as("the older recipe's build is removed")
                    .containsExactly(builder.home(changed).getFileName().toString());
        }
    }

    private static String encodedPrompt(Path model, String prompt) throws IOException {
        try (HuggingFaceTokenizer tokenizer = ModelDirectory.tokenizer(model)) {
            String text =
                    ChatTemplates.forModel(model, tokenizer).prompt(List.of(new ChatMessage(ChatRole.USER, prompt)));
            return Arrays.toString(tokenizer.encode(text, false, false).getIds());
        }
    }
}
