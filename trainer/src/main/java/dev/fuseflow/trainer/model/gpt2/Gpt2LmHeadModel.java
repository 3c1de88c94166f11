package dev.fuseflow.trainer.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
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
 * GPT-2 as a causal language model: token embedding ({@code wte}) plus learned positions
 * ({@code wpe}), {@code n_layer} decoder blocks ({@code h.i}), a final LayerNorm ({@code ln_f}) and
 * a head tied to {@code wte}. Inputs: token ids (B, T) and an attention mask (B, T) with 1 for real
 * tokens and 0 for padding, left or right. Output: logits (B, T, V). With a KV cache, see
 * {@link CausalLanguageModel}.
 */
public final class Gpt2LmHeadModel extends AbstractBlock implements CausalLanguageModel {

    private final Gpt2Config config;
    private final Parameter wte;
    private final Parameter wpe;
    private final List<Gpt2Block> blocks = new ArrayList<>();
    private final LayerNorm lnF;

    public Gpt2LmHeadModel(Gpt2Config config) {
        this.config = config;
        wte = addParameter(Parameter.builder()
                .setName("wte")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.nEmbd()))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        wpe = addParameter(Parameter.builder()
                .setName("wpe")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.nPositions(), config.nEmbd()))
                .optInitializer(new NormalInitializer(0.01f))
                .build());
        for (int i = 0; i < config.nLayer(); i++) {
            blocks.add(addChildBlock("h." + i, new Gpt2Block(config)));
        }
        lnF = addChildBlock(
                "ln_f",
                LayerNorm.builder()
                        .axis(2)
                        .optEpsilon(config.layerNormEpsilon())
                        .build());
    }

    public Gpt2Config config() {
        return config;
    }

    @Override
    public int contextLength() {
        return config.nPositions();
    }

    /** Learned absolute positions: a packed row is exact whatever its layout. */
    @Override
    public boolean packsExactly(long length, long longestPosition) {
        return true;
    }

    @Override
    public NDList emptyKvCache(NDManager manager, long batch) {
        return DecoderStack.emptyCache(
                manager,
                blocks.size(),
                batch,
                config.nHead(),
                config.headSize(),
                wte.getArray().getDataType());
    }

    @Override
    public ObjectNode huggingFaceConfig() {
        return Gpt2Checkpoint.huggingFaceConfig(config);
    }

    /** Every parameter under its Hugging Face name ({@code transformer.h.0.attn.c_attn.weight}, ...). */
    @Override
    public HuggingFaceNames huggingFaceParameters() {
        HuggingFaceNames names = new HuggingFaceNames();
        names.plain("transformer.wte.weight", wte);
        names.plain("transformer.wpe.weight", wpe);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).huggingFaceParameters("transformer.h." + i + ".", names);
        }
        names.layerNorm("transformer.ln_f", lnF);
        return names;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokenEmbeddings = ps.getValue(wte, inputs.get(0).getDevice(), training); // (V, C)
        ForwardInputs in = ForwardInputs.read(inputs, tokenEmbeddings.getDataType());
        NDArray tokens = in.tokens(); // (B, T)
        NDArray positionEmbeddings = ps.getValue(wpe, tokens.getDevice(), training); // (P, C)
        // A result lands in the manager of its first operand; ops that start from a weight would
        // leave their results in the model's manager for good, so they move to the input's.
        NDArray tokenVectors =
                stepLocal(tokenEmbeddings.get(tokens.toType(DataType.INT64, false)), tokens); // (B, T, C)
        NDArray x = tokenVectors.add(stepLocal(positionEmbeddings.get(in.positions()), tokens)); // (B, T, C)
        NDArray bias = in.bias(); // (B, 1, T, S)
        NDList decoded = DecoderStack.run(blocks, ps, x, new NDList(bias), in.past(), training);
        x = lnF.forward(ps, new NDList(decoded.get(0)), training).singletonOrThrow();
        NDList output = in.scored() == null
                ? new NDList(x.matMul(stepLocal(tokenEmbeddings.transpose(), tokens))) // (B, T, V)
                : new NDList(TokenLogpsKernel.logps(
                        x, tokenEmbeddings, in.scored().rows(), in.scored().targets())); // (N)
        output.addAll(decoded.subNDList(1)); // keys, values if cached
        return output;
    }

    private static NDArray stepLocal(NDArray result, NDArray input) {
        result.attach(input.getManager());
        return result;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config.vocabSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        Shape hidden = new Shape(tokens.get(0), tokens.get(1), config.nEmbd());
        Shape bias = new Shape(tokens.get(0), 1, tokens.get(1), tokens.get(1));
        for (Gpt2Block block : blocks) {
            block.initialize(manager, dataType, hidden, bias);
        }
        lnF.initialize(manager, dataType, hidden);
    }
}
