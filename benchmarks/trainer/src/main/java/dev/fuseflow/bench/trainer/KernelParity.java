package dev.fuseflow.bench.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fuseflow.trainer.kernels.AttentionKernel;
import dev.fuseflow.trainer.kernels.FusedAdamW;
import dev.fuseflow.trainer.kernels.RmsNormKernel;
import dev.fuseflow.trainer.kernels.SwiGluKernel;
import dev.fuseflow.trainer.kernels.TensorCasts;
import dev.fuseflow.trainer.kernels.TokenLogpsKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The native attention kernel against the pure-DJL one on the same inputs: forward outputs and the
 * gradients of q, k and v under the same upstream gradient, and the time of a forward and backward
 * pass. What {@code kernel-check} prints; docs/gpu.md "FuseFlow's native kernels".
 */
public final class KernelParity {

    /** The bias of a masked pair, as the models write it. */
    private static final float MASKED = -1e4f;

    private KernelParity() {}

    /**
     * One attention problem: shapes, type and mask.
     *
     * @param batch    B
     * @param heads    query heads nh
     * @param kvHeads  key/value heads nkv (nh for plain multi-head attention)
     * @param length   T = S
     * @param headSize d
     * @param type     FLOAT32 or FLOAT16
     * @param padded   true: an additive (B, 1, T, T) bias, causal and with sequence b right-padded by
     *                 b·T/(2B) positions; false: causal attention without a bias tensor
     */
    public record Case(int batch, int heads, int kvHeads, int length, int headSize, DataType type, boolean padded) {

        public Case {
            if (kvHeads < 1 || heads % kvHeads != 0) {
                throw new IllegalArgumentException("heads " + heads + " are not a multiple of kv-heads " + kvHeads);
            }
        }

        @Override
        public String toString() {
            return String.format(
                    "B=%d nh=%d nkv=%d T=%d d=%d %s %s",
                    batch, heads, kvHeads, length, headSize, type, padded ? "causal+padding bias" : "causal");
        }
    }

    /**
     * Largest differences of the native result from the DJL one, relative errors against the DJL
     * result's largest magnitude (a softmax output near zero makes element-wise ratios meaningless).
     */
    public record Errors(double outputAbs, double outputRel, double[] gradientAbs, double[] gradientRel) {

        /** The largest relative error of the output and the three gradients. */
        public double worstRel() {
            double worst = outputRel;
            for (double rel : gradientRel) {
                worst = Math.max(worst, rel);
            }
            return worst;
        }
    }

    /** Compares the two kernels on {@code c}, on {@code device}, with inputs drawn from {@code seed}. */
    public static Errors compare(Case c, Device device, int seed, AttentionKernel nativeKernel) {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(seed);
            Inputs inputs = Inputs.draw(manager, c, device);
            NDList reference = forwardBackward(AttentionKernel.djl(), inputs, c);
            NDList candidate = forwardBackward(nativeKernel, inputs, c);
            double[] gradientAbs = new double[3];
            double[] gradientRel = new double[3];
            for (int i = 0; i < 3; i++) {
                gradientAbs[i] = maxAbsDifference(candidate.get(i + 1), reference.get(i + 1));
                gradientRel[i] = gradientAbs[i] / maxAbs(reference.get(i + 1));
            }
            double outputAbs = maxAbsDifference(candidate.get(0), reference.get(0));
            return new Errors(outputAbs, outputAbs / maxAbs(reference.get(0)), gradientAbs, gradientRel);
        }
    }

    /**
     * The native RMSNorm (float32 statistics) against the pure-DJL one on x (8, 256, 1024) with a
     * weight near 1 and eps 1e-5: the output and the gradients of x and of the weight.
     */
    public static Errors compareRmsNorm(DataType type, Device device, int seed) {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(seed);
            Shape shape = new Shape(8, 256, 1024);
            NDArray x = manager.randomNormal(0, 3, shape, DataType.FLOAT32, device);
            NDArray weight = manager.randomNormal(1, 0.1f, new Shape(1024), DataType.FLOAT32, device);
            NDArray upstream =
                    manager.randomNormal(0, 1, shape, DataType.FLOAT32, device).toType(type, false);
            NDList reference =
                    twoLeafForwardBackward((h, w) -> RmsNormKernel.djlNormalize(h, w, 1e-5), x, weight, upstream, type);
            NDList candidate =
                    twoLeafForwardBackward((h, w) -> RmsNormKernel.normalize(h, w, 1e-5), x, weight, upstream, type);
            return errors(candidate, reference);
        }
    }

    /** The native SwiGLU gate against the pure-DJL one on (8, 256, 2816): the result and both inputs' gradients. */
    public static Errors compareSwiGlu(DataType type, Device device, int seed) {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(seed);
            Shape shape = new Shape(8, 256, 2816);
            NDArray gate = manager.randomNormal(0, 2, shape, DataType.FLOAT32, device);
            NDArray up = manager.randomNormal(0, 1, shape, DataType.FLOAT32, device);
            NDArray upstream =
                    manager.randomNormal(0, 1, shape, DataType.FLOAT32, device).toType(type, false);
            NDList reference = twoLeafForwardBackward(SwiGluKernel::djlApply, gate, up, upstream, type);
            NDList candidate = twoLeafForwardBackward(SwiGluKernel::apply, gate, up, upstream, type);
            return errors(candidate, reference);
        }
    }

    /**
     * The native chunked token log-probs against the pure-DJL ones: hidden states (1000, 512), an
     * output projection (32000, 512), random targets, 128 rows a chunk (8 chunks, the last one
     * partial): the log-probs and the gradients of the hidden states and of the projection.
     */
    public static Errors compareTokenLogps(DataType type, Device device, int seed) {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(seed);
            int rows = 1000;
            NDArray hidden = manager.randomNormal(0, 1, new Shape(rows, 512), DataType.FLOAT32, device);
            NDArray weight = manager.randomNormal(0, 0.05f, new Shape(32_000, 512), DataType.FLOAT32, device);
            NDArray targets = manager.randomInteger(0, 32_000, new Shape(rows), DataType.INT64);
            NDArray upstream = manager.randomNormal(0, 1, new Shape(rows), DataType.FLOAT32, device);
            NDList reference = twoLeafForwardBackward(
                    (h, w) -> TokenLogpsKernel.djlLogps(h, w, targets), hidden, weight, upstream, type);
            NDList candidate = twoLeafForwardBackward(
                    (h, w) -> TokenLogpsKernel.nativeLogps(h, w, targets, 128), hidden, weight, upstream, type);
            return errors(candidate, reference);
        }
    }

    private static Errors errors(NDList candidate, NDList reference) {
        double[] gradientAbs = new double[candidate.size() - 1];
        double[] gradientRel = new double[gradientAbs.length];
        for (int i = 0; i < gradientAbs.length; i++) {
            gradientAbs[i] = maxAbsDifference(candidate.get(i + 1), reference.get(i + 1));
            gradientRel[i] = gradientAbs[i] / maxAbs(reference.get(i + 1));
        }
        double outputAbs = maxAbsDifference(candidate.get(0), reference.get(0));
        return new Errors(outputAbs, outputAbs / maxAbs(reference.get(0)), gradientAbs, gradientRel);
    }

    /**
     * (output, d/d hidden, d/d weight) of sum(upstream · f(hidden, weight)), both leaves copies in
     * {@code type}; for the RMSNorm check f is the library's norm through the product's public entry
     * point, which runs natively only when the library is loaded.
     */
    private static NDList twoLeafForwardBackward(
            BinaryOperator<NDArray> f, NDArray hidden, NDArray weight, NDArray upstream, DataType type) {
        NDManager caller = hidden.getManager();
        try (NDManager step = caller.newSubManager()) {
            NDArray hiddenLeaf = copyAs(hidden, type);
            NDArray weightLeaf = copyAs(weight, type);
            hiddenLeaf.attach(step);
            weightLeaf.attach(step);
            hiddenLeaf.setRequiresGradient(true);
            weightLeaf.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                out = f.apply(hiddenLeaf, weightLeaf);
                collector.backward(
                        out.mul(upstream.toType(out.getDataType(), false)).sum());
            }
            NDList result =
                    new NDList(widened(out), widened(hiddenLeaf.getGradient()), widened(weightLeaf.getGradient()));
            result.attach(caller);
            return result;
        }
    }

    /**
     * The largest relative difference between one fused AdamW step (step 3, weight decay, a grad
     * scale of 4) over three float32 weights and the same step written as DJL operations from
     * torch.optim.AdamW's formula: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g², p = p (1 - lr wd)
     * - lr / (1 - b1^t) · m / (sqrt(v) / sqrt(1 - b2^t) + eps).
     */
    public static double fusedAdamWError(Device device) {
        FusedAdamW.Hyperparameters h = new FusedAdamW.Hyperparameters(1e-2, 0.9, 0.95, 0.1, 1e-8);
        int t = 3;
        double scale = 4;
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(13);
            List<Shape> shapes = List.of(new Shape(1024, 64), new Shape(64), new Shape(3, 5, 7));
            List<NDArray> weights = new ArrayList<>();
            List<NDArray> gradients = new ArrayList<>();
            List<NDArray> expAvgs = new ArrayList<>();
            List<NDArray> expAvgSqs = new ArrayList<>();
            List<NDArray> steps = new ArrayList<>();
            List<NDArray> expected = new ArrayList<>();
            for (Shape shape : shapes) {
                NDArray p = manager.randomNormal(0, 1, shape, DataType.FLOAT32, device);
                NDArray g = manager.randomNormal(0, 1, shape, DataType.FLOAT32, device)
                        .mul(scale); // no-grad
                NDArray m = manager.randomNormal(0, 0.1f, shape, DataType.FLOAT32, device);
                NDArray v = manager.randomUniform(0, 0.01f, shape, DataType.FLOAT32, device);
                NDArray unscaled = g.div(scale); // no-grad
                NDArray m1 = m.mul(h.beta1()).add(unscaled.mul(1 - h.beta1())); // no-grad
                NDArray v1 = v.mul(h.beta2()).add(unscaled.square().mul(1 - h.beta2())); // no-grad
                NDArray denominator =
                        v1.sqrt().div(Math.sqrt(1 - Math.pow(h.beta2(), t))).add(h.eps()); // no-grad
                expected.add(p.mul(1 - h.lr() * h.weightDecay())
                        .sub(m1.div(denominator).mul(h.lr() / (1 - Math.pow(h.beta1(), t))))); // no-grad
                weights.add(p);
                gradients.add(g);
                expAvgs.add(m);
                expAvgSqs.add(v);
                steps.add(manager.full(new Shape(), t, DataType.FLOAT32, device));
            }
            NDArray gradScale = manager.full(new Shape(), (float) scale, DataType.FLOAT32, device);
            FusedAdamW.step(new FusedAdamW.State(weights, gradients, expAvgs, expAvgSqs, steps), h, gradScale, null);
            double worst = 0;
            for (int i = 0; i < shapes.size(); i++) {
                worst = Math.max(worst, maxAbsDifference(weights.get(i), expected.get(i)) / maxAbs(expected.get(i)));
            }
            return worst;
        }
    }

    /**
     * Milliseconds per forward and backward pass of {@code kernel} on {@code c}, after {@code warmup}
     * passes. Each pass starts from fresh leaves in a manager of its own (a copy of q, k and v, the
     * same for both kernels), so that DJL's intermediates are freed pass by pass.
     */
    public static double millisPerPass(AttentionKernel kernel, Case c, Device device, int warmup, int passes) {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(7);
            Inputs inputs = Inputs.draw(manager, c, device);
            for (int i = 0; i < warmup; i++) {
                pass(kernel, inputs, c);
            }
            synchronize(inputs);
            long start = System.nanoTime();
            for (int i = 0; i < passes; i++) {
                pass(kernel, inputs, c);
            }
            synchronize(inputs);
            return (System.nanoTime() - start) / 1e6 / passes;
        }
    }

    /**
     * The largest relative error of the gradient that reaches a float32 x through float16 and back
     * ({@code castKeepingGraph} both ways), against the exact 2x of sum(x²); 1 where no gradient
     * arrives at all.
     */
    public static double castGradientError(Device device) {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(11);
            NDArray x = manager.randomNormal(0, 1, new Shape(4096), DataType.FLOAT32, device);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray half = TensorCasts.castKeepingGraph(x, DataType.FLOAT16);
                collector.backward(TensorCasts.castKeepingGraph(half.mul(half), DataType.FLOAT32)
                        .sum());
            }
            NDArray expected = x.mul(2).stopGradient(); // no-grad: a reference value
            NDArray gradient = x.getGradient();
            return gradient.sub(expected).abs().max().getFloat()
                    / expected.abs().max().getFloat();
        }
    }

    /** The output (B, nh, T, d) and the gradients of q, k and v, as float32 copies, for one kernel. */
    private static NDList forwardBackward(AttentionKernel kernel, Inputs inputs, Case c) {
        NDManager caller = inputs.q.getManager();
        try (NDManager step = caller.newSubManager()) {
            Leaves leaves = inputs.leaves(step);
            NDArray out;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                out = attend(kernel, leaves, inputs, c); // (B, nh, T, d)
                collector.backward(out.mul(inputs.upstream).sum());
            }
            NDList result = new NDList(
                    widened(out),
                    widened(leaves.q.getGradient()),
                    widened(leaves.k.getGradient()),
                    widened(leaves.v.getGradient()));
            result.attach(caller);
            return result;
        }
    }

    private static void pass(AttentionKernel kernel, Inputs inputs, Case c) {
        try (NDManager step = inputs.q.getManager().newSubManager()) {
            Leaves leaves = inputs.leaves(step);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(
                        attend(kernel, leaves, inputs, c).mul(inputs.upstream).sum());
            }
        }
    }

    private static NDArray attend(AttentionKernel kernel, Leaves leaves, Inputs inputs, Case c) {
        double scale = 1.0 / Math.sqrt(c.headSize());
        return c.padded()
                ? kernel.attend(leaves.q, leaves.k, leaves.v, inputs.bias, scale)
                : kernel.attendCausal(leaves.q, leaves.k, leaves.v, scale);
    }

    /** A host read from the device, which waits for the work queued before it. */
    private static void synchronize(Inputs inputs) {
        try (NDArray first = inputs.upstream.get(0, 0, 0, 0)) {
            first.toType(DataType.FLOAT32, false).getFloat();
        }
    }

    private static NDArray widened(NDArray array) {
        return copyAs(array, DataType.FLOAT32);
    }

    /**
     * A copy of its own in {@code type}. DJL 0.36's {@code toType(sameType, true)} does not copy:
     * it calls libtorch's {@code to} without its copy flag, which returns the same tensor, so a
     * "copy" of a float32 gradient kept changing with the gradient (and float32 leaves shared one
     * gradient across both kernels, which made every float32 comparison 0).
     */
    private static NDArray copyAs(NDArray array, DataType type) {
        return array.getDataType() == type ? array.duplicate() : array.toType(type, false);
    }

    private static double maxAbsDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    private static double maxAbs(NDArray a) {
        return Math.max(a.abs().max().getFloat(), Float.MIN_NORMAL);
    }

    /** The drawn values, the upstream gradient and the bias of one case; leaves are made from them per kernel. */
    private record Inputs(NDArray q, NDArray k, NDArray v, NDArray upstream, NDArray bias, DataType type) {

        static Inputs draw(NDManager manager, Case c, Device device) {
            Shape qShape = new Shape(c.batch(), c.heads(), c.length(), c.headSize());
            Shape kvShape = new Shape(c.batch(), c.kvHeads(), c.length(), c.headSize());
            NDArray q = manager.randomNormal(0, 1, qShape, DataType.FLOAT32, device);
            NDArray k = manager.randomNormal(0, 1, kvShape, DataType.FLOAT32, device);
            NDArray v = manager.randomNormal(0, 1, kvShape, DataType.FLOAT32, device);
            NDArray upstream = manager.randomNormal(0, 1, qShape, DataType.FLOAT32, device);
            NDArray bias = c.padded() ? paddedCausalBias(manager, c, device) : null;
            return new Inputs(q, k, v, upstream.toType(c.type(), false), bias, c.type());
        }

        /** Fresh leaves of the case's type in {@code manager}, so that each kernel's gradients start at zero. */
        Leaves leaves(NDManager manager) {
            NDArray ql = copyAs(q, type);
            NDArray kl = copyAs(k, type);
            NDArray vl = copyAs(v, type);
            ql.attach(manager);
            kl.attach(manager);
            vl.attach(manager);
            ql.setRequiresGradient(true);
            kl.setRequiresGradient(true);
            vl.setRequiresGradient(true);
            return new Leaves(ql, kl, vl);
        }

        /** 0 where key j <= query i and j is inside sequence b's length, MASKED elsewhere; (B, 1, T, T). */
        private static NDArray paddedCausalBias(NDManager manager, Case c, Device device) {
            int t = c.length();
            float[] values = new float[c.batch() * t * t];
            for (int b = 0; b < c.batch(); b++) {
                int realLength = t - b * t / (2 * c.batch());
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        boolean visible = j <= i && j < realLength;
                        values[(b * t + i) * t + j] = visible ? 0f : MASKED;
                    }
                }
            }
            NDArray host = manager.create(values, new Shape(c.batch(), 1, t, t));
            return host.toDevice(device, true).toType(c.type(), false);
        }
    }

    private record Leaves(NDArray q, NDArray k, NDArray v) {}

    /** The parity cases of the check: float32 and float16, bias and causal, multi-head and grouped-query. */
    public static List<Case> parityCases(int batch, int heads, int kvHeads, int length, int headSize) {
        List<Case> cases = new ArrayList<>();
        for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
            for (int kv : kvHeads == heads ? List.of(heads) : List.of(heads, kvHeads)) {
                for (boolean padded : List.of(true, false)) {
                    cases.add(new Case(batch, heads, kv, length, headSize, type, padded));
                }
            }
        }
        return cases;
    }
}
