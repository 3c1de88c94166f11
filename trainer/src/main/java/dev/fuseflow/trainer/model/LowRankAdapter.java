package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * LoRA's low-rank update of one linear layer, as PEFT's {@code LoraLayer} computes it:
 * {@code scaling * lora_B(lora_A(dropout(x)))}, with {@code lora_A} (r, in) and {@code lora_B}
 * (out, r). A fresh adapter starts as PEFT's does: {@code lora_A} uniform in +-1/sqrt(in) (its
 * {@code kaiming_uniform_(a=sqrt(5))}) and {@code lora_B} zero, so it changes nothing until trained.
 */
public final class LowRankAdapter extends AbstractBlock {

    private static final NDIndex ALL = new NDIndex("...");

    private final Parameter loraA;
    private final Parameter loraB;
    private final float scaling;
    private final float dropout;
    private boolean enabled = true;

    /** A fresh adapter of {@code rank} for a layer of {@code in} -> {@code out} features, its weights in {@code dataType}. */
    public LowRankAdapter(NDManager manager, DataType dataType, Shape layer, int rank, double scaling, double dropout) {
        long out = layer.get(0);
        long in = layer.get(1);
        this.scaling = (float) scaling;
        this.dropout = (float) dropout;
        loraA = addParameter(trainable("lora_A", manager.zeros(new Shape(rank, in), dataType)));
        loraB = addParameter(trainable("lora_B", manager.zeros(new Shape(out, rank), dataType)));
        reset();
    }

    private static Parameter trainable(String name, NDArray array) {
        array.setRequiresGradient(true);
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optArray(array)
                .optRequiresGrad(true)
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (B, T, in)
        NDArray a = ps.getValue(loraA, x.getDevice(), training); // (r, in)
        NDArray b = ps.getValue(loraB, x.getDevice(), training); // (out, r)
        NDArray dropped = dropout > 0 ? Dropout.dropout(x, dropout, training).singletonOrThrow() : x;
        NDArray down = Linear.linear(dropped, a).singletonOrThrow(); // (B, T, r)
        NDArray up = Linear.linear(down, b).singletonOrThrow(); // (B, T, out)
        NDArray scaled = up.mul(Scalar.like(up, scaling));
        // Autograd keeps what its backward reads (x, dropped and down, by reference); the handles go now.
        up.close();
        down.close();
        if (dropped != x) {
            dropped.close();
        }
        return new NDList(scaled);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {
            x.slice(0, x.dimension() - 1).add(loraB.getArray().getShape().get(0))
        };
    }

    public int rank() {
        return (int) loraA.getArray().getShape().get(0);
    }

    public double scaling() {
        return scaling;
    }

    /** PEFT's {@code lora_A.weight}, (r, in). */
    public Parameter loraA() {
        return loraA;
    }

    /** PEFT's {@code lora_B.weight}, (out, r). */
    public Parameter loraB() {
        return loraB;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Off, the layer computes as its base alone (the frozen reference of a preference stage). */
    public void enable(boolean on) {
        this.enabled = on;
    }

    /** The update the adapter adds to the layer's weight, {@code scaling * B A} (out, in), in float32. */
    public NDArray weightDelta() {
        try (NDArray a = loraA.getArray().toType(DataType.FLOAT32, true);
                NDArray b = loraB.getArray().toType(DataType.FLOAT32, true);
                NDArray product = b.matMul(a)) {
            return product.mul(scaling);
        }
    }

    /** Back to a fresh adapter: new random {@code lora_A}, zero {@code lora_B}. */
    public void reset() {
        GradMode.offForThisThread(); // in-place writes into weights that require gradients
        NDArray a = loraA.getArray();
        double bound = 1 / Math.sqrt(a.getShape().get(1));
        try (NDArray drawn =
                a.getManager().randomUniform((float) -bound, (float) bound, a.getShape(), a.getDataType())) {
            a.set(ALL, drawn);
        }
        NDArray b = loraB.getArray();
        b.set(ALL, Scalar.constant(b, 0));
    }
}
