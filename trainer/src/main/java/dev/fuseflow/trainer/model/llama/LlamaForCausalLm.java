package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.kernels.TokenLogpsKernel;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.DecoderStack;
import dev.fuseflow.trainer.model.ForwardInputs;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama as a causal language model: {@code embed_tokens}, decoder layers with rotary positions and
 * grouped-query attention, a final RMSNorm ({@code norm}) and {@code lm_head}, or the embedding
 * itself when {@code tie_word_embeddings}. Inputs:
 * token ids (B, T) and attention mask (B, T); output logits (B, T, V). With a KV cache, see
 * {@link CausalLanguageModel}.
 */
public final class LlamaForCausalLm extends AbstractBlock implements CausalLanguageModel {

    private final LlamaConfig config;
    private final Parameter embedTokens;
    private final List<LlamaDecoderLayer> layers = new ArrayList<>();
    private final RmsNorm norm;
    /** Null when the embeddings are tied: the logits then come from {@code embed_tokens}. */
    private final Linear lmHead;

    public LlamaForCausalLm(LlamaConfig config) {
        this.config = config;
        embedTokens = addParameter(Parameter.builder()
                .setName("embed_tokens")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.hiddenSize()))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(addChildBlock("layers." + i, new LlamaDecoderLayer(config, i)));
        }
        norm = addChildBlock("norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
        lmHead = config.tieWordEmbeddings()
                ? null
                : addChildBlock(
                        "lm_head",
                        Linear.builder()
                                .setUnits(config.vocabSize())
                                .optBias(false)
                                .build());
    }

    public LlamaConfig config() {
        return config;
    }

    @Override
    public int contextLength() {
        return config.maxPositionEmbeddings();
    }

    @Override
    public boolean packsExactly(long length, long longestPosition) {
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            int window = config.attention().window().sizeAt(i);
            if (window > 0 && length > window) {
                return false;
            }
        }
        return !config.rope().scaling().dependsOnLength()
                || longestPosition < config.rope().maxPositionEmbeddings();
    }

    @Override
    public NDList emptyKvCache(NDManager manager, long batch) {
        return DecoderStack.emptyCache(
                manager,
                layers.size(),
                batch,
                config.numKeyValueHeads(),
                config.headDim(),
                embedTokens.getArray().getDataType());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardInputs in = ForwardInputs.read(inputs, embedTokens.getArray().getDataType());
        NDArray tokens = in.tokens(); // (B, T)
        NDArray x = ps.getValue(embedTokens, tokens.getDevice(), training)
                .get(tokens.toType(DataType.INT64, false)); // (B, T, C)
        // Started from a weight, the lookup landed in the model's manager: move it to the input's.
        x.attach(tokens.getManager());
        NDArray bias = in.bias(); // (B, 1, T, S)
        NDList cosSin = RotaryEmbedding.cosSin(
                in.positions(), config.rope(), config.headDim(), x.getDataType()); // 2 x (B, 1, T, d)
        NDList decoded =
                DecoderStack.run(layers, ps, x, new NDList(bias, cosSin.get(0), cosSin.get(1)), in.past(), training);
        x = norm.forward(ps, new NDList(decoded.get(0)), training).singletonOrThrow(); // (B, T, C)
        NDList output = in.scored() == null
                ? logits(ps, x, training) // (B, T, V)
                : new NDList(TokenLogpsKernel.logps(
                        x,
                        outputWeight(ps, x, training),
                        in.scored().rows(),
                        in.scored().targets())); // (N)
        output.addAll(decoded.subNDList(1)); // keys, values if cached
        return output;
    }

    /** The output projection (V, C): {@code lm_head}'s weight, or the embedding when tied. */
    private NDArray outputWeight(ParameterStore ps, NDArray x, boolean training) {
        Parameter weight = lmHead != null ? lmHead.getParameters().get("weight") : embedTokens;
        return ps.getValue(weight, x.getDevice(), training);
    }

    /** x (B, T, C) times the output projection's transpose (lm_head has no bias). */
    private NDList logits(ParameterStore ps, NDArray x, boolean training) {
        return Linear.linear(x, outputWeight(ps, x, training)); // (B, T, V), in x's manager
    }

    @Override
    public ObjectNode huggingFaceConfig() {
        return LlamaCheckpoint.huggingFaceConfig(config);
    }

    /** Every parameter under its Hugging Face name ({@code model.layers.0.self_attn.q_proj.weight}, ...). */
    @Override
    public HuggingFaceNames huggingFaceParameters() {
        HuggingFaceNames names = new HuggingFaceNames();
        names.plain("model.embed_tokens.weight", embedTokens);
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).huggingFaceParameters("model.layers." + i + ".", names);
        }
        names.plain("model.norm.weight", norm.weight());
        if (lmHead != null) {
            names.linear("lm_head", lmHead);
        }
        return names;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config.vocabSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        long b = tokens.get(0);
        long t = tokens.get(1);
        Shape hidden = new Shape(b, t, config.hiddenSize());
        Shape rotary = new Shape(b, 1, t, config.headDim());
        for (LlamaDecoderLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, new Shape(b, 1, t, t), rotary, rotary);
        }
        norm.initialize(manager, dataType, hidden);
        if (lmHead != null) {
            lmHead.initialize(manager, dataType, hidden);
        }
    }
}
