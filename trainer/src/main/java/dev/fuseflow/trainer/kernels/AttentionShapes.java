package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** The shape rules both attention kernels enforce, so that they fail alike and with the shapes named. */
final class AttentionShapes {

    private AttentionShapes() {}

    /** Query heads per key/value head, after checking q (B, nh, T, d) against k and v (B, nkv, S, d). */
    static int groups(NDArray q, NDArray k, NDArray v) {
        Shape qs = q.getShape();
        Shape ks = k.getShape();
        Shape vs = v.getShape();
        if (qs.dimension() != 4 || !ks.equals(vs) || ks.dimension() != 4) {
            throw new IllegalArgumentException("attention wants q (B, nh, T, d) and k, v (B, nkv, S, d) of one shape;"
                    + " got q " + qs + ", k " + ks + ", v " + vs);
        }
        if (qs.get(0) != ks.get(0) || qs.get(3) != ks.get(3)) {
            throw new IllegalArgumentException(
                    "q " + qs + " and k " + ks + " differ in batch or head size (dimensions 0 and 3)");
        }
        if (ks.get(1) == 0 || qs.get(1) % ks.get(1) != 0) {
            throw new IllegalArgumentException(
                    "query heads " + qs.get(1) + " are not a multiple of key/value heads " + ks.get(1));
        }
        if (q.getDataType() != k.getDataType() || q.getDataType() != v.getDataType()) {
            throw new IllegalArgumentException("q, k and v must share one type; got " + q.getDataType() + ", "
                    + k.getDataType() + ", " + v.getDataType());
        }
        return (int) (qs.get(1) / ks.get(1));
    }

    /** Checks that bias is (B or 1, 1, T, S) for q (B, nh, T, d) and k (B, nkv, S, d). */
    static void requireBias(NDArray bias, NDArray q, NDArray k) {
        Shape bs = bias.getShape();
        long b = q.getShape().get(0);
        long t = q.getShape().get(2);
        long s = k.getShape().get(2);
        boolean fits = bs.dimension() == 4
                && (bs.get(0) == b || bs.get(0) == 1)
                && bs.get(1) == 1
                && bs.get(2) == t
                && bs.get(3) == s;
        if (!fits) {
            throw new IllegalArgumentException(
                    "attention bias must be (B, 1, T, S) = (" + b + ", 1, " + t + ", " + s + "); got " + bs);
        }
    }

    /** Checks that causal attention has as many keys as queries (T == S). */
    static void requireSquare(NDArray q, NDArray k) {
        if (q.getShape().get(2) != k.getShape().get(2)) {
            throw new IllegalArgumentException("causal attention without a bias wants T == S; got "
                    + q.getShape().get(2) + " queries and " + k.getShape().get(2)
                    + " keys (pass a bias for a KV-cache step)");
        }
    }
}
