package dev.fuseflow.local.demo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.lora.AdaptedModels;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.sampling.ChatResponder;
import dev.fuseflow.trainer.sampling.SamplingConfig;
import dev.fuseflow.trainer.tokenizer.ChatTemplates;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One model loaded for serving, as an app would hold it: a version of the target, or a neural source. */
final class ServedModel implements AutoCloseable {

    private final long version;
    private final NDManager manager;
    private final CausalLanguageModel model;
    private final PromptResponseEncoder encoder;
    private final ChatResponder responder;

    private ServedModel(long version, NDManager manager, CausalLanguageModel model, PromptResponseEncoder encoder) {
        this.version = version;
        this.manager = manager;
        this.model = model;
        this.encoder = encoder;
        this.responder = new ChatResponder(encoder, 64);
    }

    /** A whole model, or a LoRA run's adapter applied to the base it names (the base's tokenizer and template). */
    static ServedModel load(Path folder, long version) throws IOException {
        NDManager manager = NDManager.newBaseManager("PyTorch");
        try {
            Path modelFolder = AdaptedModels.modelFolder(folder);
            var tokenizer = ModelDirectory.tokenizer(modelFolder);
            PromptResponseEncoder encoder =
                    new PromptResponseEncoder(tokenizer, ChatTemplates.forModel(modelFolder, tokenizer));
            return new ServedModel(version, manager, AdaptedModels.load(folder, manager, DataType.FLOAT32), encoder);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    long version() {
        return version;
    }

    CausalLanguageModel model() {
        return model;
    }

    NDManager manager() {
        return manager;
    }

    ChatResponder responder() {
        return responder;
    }

    List<String> answer(List<String> prompts, SamplingConfig sampling) {
        try (NDManager scope = manager.newSubManager()) {
            return responder.answer(model, scope, prompts, sampling);
        }
    }

    @Override
    public void close() {
        encoder.close();
        manager.close();
    }
}
