package dev.fuseflow.trainer.lora;

import dev.fuseflow.trainer.format.Tensor;

/** Concatenating two adapters' float32 matrices on the host, for {@link PeftAdapter#stackedOn}. */
final class LowRankStacking {

    private LowRankStacking() {}

    /** [A1; A2]: (r1, in) over (r2, in) gives (r1 + r2, in). */
    static Tensor rows(Tensor first, Tensor second) {
        long[] a = first.shape();
        long[] b = second.shape();
        if (a[1] != b[1]) {
            throw new IllegalArgumentException("lora_A widths differ: " + a[1] + " vs " + b[1]);
        }
        float[] top = first.toFloats();
        float[] bottom = second.toFloats();
        float[] out = new float[top.length + bottom.length];
        System.arraycopy(top, 0, out, 0, top.length);
        System.arraycopy(bottom, 0, out, top.length, bottom.length);
        return Tensor.ofFloats(new long[] {a[0] + b[0], a[1]}, out);
    }

    /** [s1 B1 | s2 B2]: (out, r1) beside (out, r2) gives (out, r1 + r2), each scaled. */
    static Tensor columns(Tensor first, float firstScale, Tensor second, float secondScale) {
        long[] a = first.shape();
        long[] b = second.shape();
        if (a[0] != b[0]) {
            throw new IllegalArgumentException("lora_B heights differ: " + a[0] + " vs " + b[0]);
        }
        int rows = (int) a[0];
        int left = (int) a[1];
        int right = (int) b[1];
        float[] x = first.toFloats();
        float[] y = second.toFloats();
        float[] out = new float[rows * (left + right)];
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < left; j++) {
                out[row * (left + right) + j] = firstScale * x[row * left + j];
            }
            for (int j = 0; j < right; j++) {
                out[row * (left + right) + left + j] = secondScale * y[row * right + j];
            }
        }
        return Tensor.ofFloats(new long[] {rows, left + right}, out);
    }
}
