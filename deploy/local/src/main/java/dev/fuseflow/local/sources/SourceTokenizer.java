package dev.fuseflow.local.sources;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.tokenizer.CharTokenizerJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A source model's tokenizer and chat template, written into its folder as a Hugging Face model
 * carries them ({@code tokenizer.json}, {@code tokenizer_config.json}, {@code chat_template.jinja}),
 * so that the trainer and the demo app read them as they read any model's. Neither shares an id or a
 * template with the target's 128-id character tokenizer and FUSEFLOW template.
 */
public sealed interface SourceTokenizer {

    /** Writes the tokenizer files into {@code dir}. */
    void write(Path dir) throws IOException;

    /** What the cache fingerprint covers: every byte that decides the tokenizer and the template. */
    String fingerprintText();

    /**
     * A byte-level BPE learned by Hugging Face {@code tokenizers} (256 byte tokens, merges, {@code
     * <|endoftext|>}): a classpath resource made once by {@code src/main/python/make_wordsmith_tokenizer.py};
     * the template is GPT-2-era plain text, {@code Q: prompt\nA:\nanswer<|endoftext|>} (the answer after a
     * newline, which the byte-level pre-tokenizer always splits off, so no answer token carries the space a
     * {@code "A: "} would glue to its first letter).
     */
    record ByteLevelBpe(String resource) implements SourceTokenizer {

        static final String END_OF_TEXT = "<|endoftext|>";
        private static final String TEMPLATE = "{% for message in messages %}"
                + "{% if message['role'] == 'user' %}Q: {{ message['content'] }}\n"
                + "{% else %}A:\n{{ message['content'] }}" + END_OF_TEXT + "\n{% endif %}"
                + "{% endfor %}{% if add_generation_prompt %}A:\n{% endif %}";

        @Override
        public void write(Path dir) throws IOException {
            Files.write(dir.resolve("tokenizer.json"), bytes());
            writeTemplate(dir, TEMPLATE, END_OF_TEXT);
        }

        @Override
        public String fingerprintText() {
            return "byte-level BPE " + resource + " " + new String(bytes(), StandardCharsets.UTF_8) + TEMPLATE;
        }

        private byte[] bytes() {
            try (InputStream in = SourceTokenizer.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("tokenizer resource " + resource + " is not on the classpath");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read tokenizer resource " + resource, e);
            }
        }
    }

    /**
     * One token per character of {@code alphabet}, in its order, after Qwen's ChatML special tokens:
     * a character tokenizer of its own (ids unlike the target's), and a ChatML template
     * ({@code <|im_start|>user\n...<|im_end|>\n<|im_start|>assistant\n}).
     */
    record Characters(String alphabet) implements SourceTokenizer {

        // <unk>: CharTokenizerJson names it the unknown token, so a character outside the alphabet reads as it.
        static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>");
        private static final String TEMPLATE = "{% for message in messages %}"
                + "<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
                + "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

        public Characters {
            if (alphabet.isEmpty() || alphabet.indexOf('\n') < 0) {
                throw new IllegalArgumentException(
                        "a character tokenizer for a ChatML template needs a newline in its alphabet, got '" + alphabet
                                + "'");
            }
        }

        @Override
        public void write(Path dir) throws IOException {
            CharTokenizerJson.write(dir.resolve("tokenizer.json"), SPECIAL_TOKENS, alphabet);
            writeTemplate(dir, TEMPLATE, "<|im_end|>");
        }

        @Override
        public String fingerprintText() {
            return "characters " + SPECIAL_TOKENS + " " + alphabet + " " + TEMPLATE;
        }

        /** On one line, as {@code recipe.txt} shows it: the alphabet's newline written {@code \n}. */
        @Override
        public String toString() {
            return "Characters[" + alphabet.replace("\n", "\\n") + "]";
        }
    }

    private static void writeTemplate(Path dir, String template, String endOfTurn) throws IOException {
        Files.writeString(dir.resolve("chat_template.jinja"), template);
        new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("tokenizer_config.json").toFile(), Map.of("eos_token", endOfTurn));
    }
}
