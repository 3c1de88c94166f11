package dev.fuseflow.trainer.train;

import dev.fuseflow.trainer.kernels.TokenLogpsKernel;
import dev.fuseflow.trainer.model.llama.LlamaConfig;

/**
 * What a WRPO update on a Llama-shape model costs: parameters, FLOPs (for model FLOPs
 * utilisation) and an estimate of GPU memory. The same counts serve the DJL run and the PyTorch
 * reference (benchmarks/gpu/wrpo_reference.py mirrors them), so the ratio does not depend on them;
 * {@code fuseflow-trainer inspect} prints the estimate for a checkpoint.
 *
 * @param config  the model
 * @param batch   samples per update (each has 3 sequences: y_ws, y_wt, y_l)
 * @param length  tokens per sequence
 * @param activations how the activations are laid out and kept (memory only: FLOPs and tokens count the
 *                    three sequences of each sample whatever the layout, the work done for the user)
 */
public record ModelCost(LlamaConfig config, int batch, int length, ActivationLayout activations) {

    /** CUDA context and library workspaces beside the allocated tensors. */
    private static final double RESERVE = 1.5 * (1L << 30);

    /**
     * A checkpointed update peaks in the backward of a recomputed layer: its saved activations
     * (one layer of one pass), their gradients and the forward's intermediates that its handles
     * still hold, together about 2.3 times one layer's saved activations (fitted to the H100's
     * checkpointed peaks at batches 128, 192 and 224 of the 0.477 B shape, within 1.5 %; docs/results.md).
     */
    private static final double RECOMPUTED_LAYER = 2.3;

    /**
     * The same with LoRA on every projection: 1.85 times (fitted to the H100's peaks of the 8B Llama 3
     * shape at batches 8 and 16, within 1.5 %). Less than a full update's; why was not measured.
     */
    private static final double RECOMPUTED_LORA_LAYER = 1.85;

    /** Three rows per sample, DJL's attention, nothing recomputed ({@link ActivationLayout#SEPARATE_ROWS}). */
    public ModelCost(LlamaConfig config, int batch, int length) {
        this(config, batch, length, ActivationLayout.SEPARATE_ROWS);
    }

    /** The same update with each decoder layer checkpointed or not. */
    public ModelCost checkpointingLayers(boolean on) {
        return new ModelCost(config, batch, length, activations.checkpointingLayers(on));
    }

    /** Weights of every matrix product: attention, MLP and the lm_head, tied or not (embeddings are a lookup). */
    public long matmulParameters() {
        long c = config.hiddenSize();
        long q = (long) config.numAttentionHeads() * config.headDim();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long attention = c * q + 2 * c * kv + q * c;
        long mlp = 3L * c * config.intermediateSize();
        return config.numHiddenLayers() * (attention + mlp) + c * config.vocabSize();
    }

    /** Every weight; a tied head is the embedding, counted once. Biases and q/k norms are left out (a rounding error). */
    public long parameters() {
        long norms = (2L * config.numHiddenLayers() + 1) * config.hiddenSize();
        long embedding = config.tieWordEmbeddings() ? 0 : (long) config.vocabSize() * config.hiddenSize();
        return matmulParameters() + embedding + norms;
    }

    /**
     * One forward pass over one sequence: 2 FLOPs per weight per token, plus the attention
     * products QK^T and AV over the full T x T matrix (both implementations compute it whole and
     * mask it, so that is the work done).
     */
    public double forwardFlopsPerSequence() {
        double t = length;
        return 2.0 * matmulParameters() * t + 4.0 * config.numHiddenLayers() * t * t * config.hiddenSize();
    }

    /**
     * Policy forward and backward (3 forwards' worth) on 3 sequences per sample, reference forward
     * on 3. Model FLOPs: the recomputation of checkpointed layers is not counted, as MFU does not.
     */
    public double flopsPerUpdate() {
        return batch * 3.0 * (3.0 + 1.0) * forwardFlopsPerSequence();
    }

    /** Tokens the policy trains on per update. */
    public long tokensPerUpdate() {
        return 3L * batch * length;
    }

    /**
     * Estimated peak GPU bytes: weights, gradients and AdamW state, plus what the graphs of a
     * sample's 3 sequences keep for backward, and what the device holds beside ({@link #reserveBytes}). Sequences go forward one
     * after another and keep their graphs, so all 3·B count (one row each with the shared prompt).
     * Per token and layer what {@link #keptPerLayerAndToken} counts, in the compute type; then the
     * logits. How close this comes to the measured peaks: docs/results.md.
     */
    public long estimatedPeakBytes(Precision precision) {
        long p = parameters();
        boolean mixed = precision == Precision.FP16_MIXED;
        long weights = mixed
                ? p * (2 + 4 + 2 + 2)
                : p * (4 + 4); // mixed: fp16 policy, fp32 masters, fp16 grads, fp16 reference
        return weights
                + trainedStateBytes(p, mixed)
                + (long) (activationBytes(mixed, RECOMPUTED_LAYER) + reserveBytes(mixed));
    }

    /**
     * Parameters of LoRA adapters of {@code rank} on every attention and MLP projection
     * ({@code all-linear}): r · (in + out) per layer adapted.
     */
    public long adapterParameters(int rank) {
        long c = config.hiddenSize();
        long q = (long) config.numAttentionHeads() * config.headDim();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long i = config.intermediateSize();
        long perLayer = (c + q) + 2 * (c + kv) + (q + c) + 2 * (c + i) + (i + c);
        return rank * perLayer * config.numHiddenLayers();
    }

    /**
     * Estimated peak GPU bytes of a LoRA update with adapters of {@code rank} on every projection:
     * the base once in the compute type (the reference is the same weights with adapters off), the
     * adapters with their gradients, AdamW state (and masters in mixed precision), and the
     * activations a full update keeps, but for a checkpointed layer's recomputation
     * ({@link #RECOMPUTED_LORA_LAYER}).
     */
    public long estimatedLoraPeakBytes(Precision precision, int rank) {
        boolean mixed = precision == Precision.FP16_MIXED;
        long base = parameters() * (mixed ? 2 : 4);
        long a = adapterParameters(rank);
        long adapters = a * (mixed ? 2 + 4 + 2 : 4 + 4); // weights (+ fp32 masters) and gradients
        return base
                + adapters
                + trainedStateBytes(a, mixed)
                + (long) (activationBytes(mixed, RECOMPUTED_LORA_LAYER) + reserveBytes(mixed));
    }

    /** AdamW's float32 moments and, in mixed precision, the unscaled float32 gradients at the update. */
    private static long trainedStateBytes(long trained, boolean mixed) {
        return trained * 8 + (mixed ? trained * 4 : 0);
    }

    /**
     * What the graphs keep for backward. A row is x y (three per sample) or, with the shared prompt,
     * x y_ws y_wt y_l (one per sample). Per token and layer {@link #keptPerLayerAndToken};
     * then the logits ({@link #logitBytes}). With fused attention the peak comes
     * at the start of the backward, when the gradients of both exist beside every saved activation
     * (measured on the H200, docs/results.md), so they count twice. Checkpointed, a layer keeps only
     * its input (C per token, and the last layer's output), and one layer of one pass's rows is
     * recomputed at a time.
     */
    private double activationBytes(boolean mixed, double recomputedLayer) {
        double bytesPerValue = mixed ? 2.0 : 4.0;
        ActivationLayout a = activations;
        double rowLength = rowLength();
        double tokens = batch * (a.sharedPrompt() ? 1.0 : 3.0) * rowLength;
        double perLayer = keptPerLayerAndToken(rowLength) * bytesPerValue;
        double logits = logitBytes(bytesPerValue);
        if (a.checkpointLayers()) {
            double layerInputs = (config.numHiddenLayers() + 1.0) * config.hiddenSize() * bytesPerValue; // per token
            return tokens * layerInputs + logits + recomputedLayer * oneLayerBytes(mixed);
        }
        return tokens * config.numHiddenLayers() * perLayer + logits;
    }

    /**
     * What the device holds beyond the tensors allocated at the peak: 1.5 GiB of CUDA context and
     * cuBLAS and cuDNN workspaces, and, without checkpointing, about one layer's activations of one
     * pass's rows that the caching allocator keeps from the forward and the backward's block sizes do
     * not reuse (cudaMemGetInfo's peak against Kineto's allocator total: 2.55 GiB at batch 16).
     * Checkpointed, with the launchers' expandable segments (docs/gpu.md), about 1.1 GiB was left.
     */
    private double reserveBytes(boolean mixed) {
        return RESERVE + (activations.checkpointLayers() ? 0 : oneLayerBytes(mixed));
    }

    /** What one layer keeps for the rows of one forward pass (B rows of x y, or B shared-prompt rows). */
    private double oneLayerBytes(boolean mixed) {
        return batch * rowLength() * keptPerLayerAndToken(rowLength()) * (mixed ? 2.0 : 4.0);
    }

    private double rowLength() {
        ActivationLayout a = activations;
        return a.sharedPrompt() ? a.promptLength() + 3.0 * (length - a.promptLength()) : length;
    }

    /**
     * Values a decoder layer keeps for its backward, per token of a row (counted from the tensors
     * the Llama block's operations save; the layer's other intermediates are freed with it). With
     * the native kernels: each fused RMSNorm its input, and its output as the q/k/v or gate/up
     * input (4·C); SDPA q, k and v and its output, the o_proj input (2·q + 2·kv); SwiGLU the gate,
     * SiLU(gate), up and their product, the down_proj input (4·I). In DJL operations: each RMSNorm
     * 3·C, the q/k/v and gate/up inputs, q, k and v and the o_proj input C each, the gate, its
     * sigmoid, SiLU, up and the product I each, and the nh·T attention probabilities.
     */
    private double keptPerLayerAndToken(double rowLength) {
        double c = config.hiddenSize();
        double i = config.intermediateSize();
        if (activations.nativeKernels()) {
            double q = (double) config.numAttentionHeads() * config.headDim();
            double kv = (double) config.numKeyValueHeads() * config.headDim();
            return 4 * c + 2 * q + 2 * kv + 4 * i;
        }
        return 12 * c + 5 * i + config.numAttentionHeads() * rowLength;
    }

    /**
     * The logits and their float32 log-softmax. Three separate rows score every position; the
     * shared prompt scores only the response tokens, and with the native kernels in chunks whose
     * logits exist one at a time (the chunk's logits, their gradient and its typed copy).
     */
    private double logitBytes(double bytesPerValue) {
        ActivationLayout a = activations;
        double perToken = config.vocabSize() * (4.0 + bytesPerValue);
        if (!a.sharedPrompt()) {
            return batch * 3.0 * length * perToken * (a.nativeKernels() ? 2 : 1);
        }
        if (a.nativeKernels()) {
            return 3.0 * TokenLogpsKernel.CHUNK_BYTES;
        }
        return batch * 3.0 * (length - a.promptLength()) * perToken;
    }

    /** Model FLOPs utilisation against a peak rate (H200: 990 TFLOP/s dense 16-bit). */
    public double utilisation(double secondsPerUpdate, double peakFlops) {
        return flopsPerUpdate() / secondsPerUpdate / peakFlops;
    }
}
