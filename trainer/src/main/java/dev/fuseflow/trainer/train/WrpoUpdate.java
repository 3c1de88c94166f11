package dev.fuseflow.trainer.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

/** The WRPO optimizer update, on one device ({@link WrpoStep}) or data-parallel over several ({@link DataParallelWrpoStep}). */
public interface WrpoUpdate extends OptimizerStep {

    WrpoStep.Outcome apply(PreferenceBatch batch, double alpha, double beta);

    /** The update for {@code device}: data-parallel when it names several devices ({@code gpu0,gpu1}). */
    static WrpoUpdate on(
            ComputeDevice device, Block policy, Block reference, NDManager manager, UpdateSettings settings) {
        return on(device, policy, reference, manager, settings, BatchLogps.Layout.SHARED_PROMPT);
    }

    /** The same with the responses laid out as {@code layout} says (the benchmark compares both). */
    static WrpoUpdate on(
            ComputeDevice device,
            Block policy,
            Block reference,
            NDManager manager,
            UpdateSettings settings,
            BatchLogps.Layout layout) {
        return device.isDataParallel()
                ? new DataParallelWrpoStep(policy, reference, manager, settings, device.devices(), layout)
                : new WrpoStep(policy, reference, manager, settings, layout);
    }
}
