package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.train.Precision;
import picocli.CommandLine.Option;

/** {@code --precision}, declared once; each command mixes it in with its own default. */
public final class PrecisionOption {

    @Option(
            names = "--precision",
            description = "${COMPLETION-CANDIDATES}: TF32 tensor-core matmuls; FP16_MIXED float16 compute"
                    + " with float32 masters and loss scaling (default ${DEFAULT-VALUE}).")
    Precision precision;

    private PrecisionOption(Precision defaultPrecision) {
        this.precision = defaultPrecision;
    }

    public static PrecisionOption defaultingTo(Precision precision) {
        return new PrecisionOption(precision);
    }

    /** The precision asked for, once checked to be available on this host (TF32 needs its libtorch override). */
    public Precision requireAvailable() {
        precision.requireAvailable(System.getenv());
        return precision;
    }

    public Precision precision() {
        return precision;
    }
}
