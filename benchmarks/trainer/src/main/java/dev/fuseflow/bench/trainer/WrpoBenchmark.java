package dev.fuseflow.bench.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import dev.fuseflow.trainer.kernels.KernelProfiler;
import dev.fuseflow.trainer.kernels.NativeKernels;
import dev.fuseflow.trainer.lora.LoraAdapters;
import dev.fuseflow.trainer.lora.LoraSettings;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.train.ActivationLayout;
import dev.fuseflow.trainer.train.BatchLogps;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.ModelCost;
import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.train.PreferenceBatch;
import dev.fuseflow.trainer.train.UpdateSettings;
import dev.fuseflow.trainer.train.WrpoUpdate;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Times the WRPO update the trainer runs (policy forward and backward on y_ws, y_wt and y_l,
 * reference forward without gradients, clipping, AdamW) on a randomly initialised Llama-shape
 * model and random tokens: the same {@link WrpoUpdate} as production (data-parallel when the device names several GPUs).
 */
public final class WrpoBenchmark {

    /** About 0.48 B parameters: 32 layers of width 1024 (16 heads), SwiGLU 2816, a 32k vocabulary, untied head. */
    public static final LlamaConfig LLAMA_0_5B = LlamaConfig.of(32_000, 1024, 2816, 32, 16, 16, 2048);

    /** Dense 16-bit peak of one H200 (the figure MFU is measured against). */
    public static final double H200_PEAK_FLOPS = 990e12;

    /**
     * @param secondsPerUpdate mean over the timed updates
     * @param peakGpuBytes     highest device memory in use while timing (cudaMemGetInfo, polled), -1 where unreadable
     * @param skippedUpdates   updates among the timed ones the guard skipped (a non-finite loss or gradient)
     * @param tokensPerSecond  the three sequences' tokens (x y_ws, x y_wt, x y_l) per second, also with the
     *                         shared-prompt layout, which computes the prompt once: the work done for the
     *                         user, so the two layouts compare; so does the utilisation
     */
    // More than eight components: one JSON line of the benchmark's output.
    @SuppressWarnings("checkstyle:RecordComponentNumber")
    public record Result(
            String device,
            BatchLogps.Layout layout,
            boolean checkpointLayers,
            Precision precision,
            int batch,
            int length,
            long parameters,
            double secondsPerUpdate,
            double medianSecondsPerUpdate,
            double tokensPerSecond,
            double samplesPerSecond,
            double utilisation,
            long estimatedPeakBytes,
            long peakGpuBytes,
            double firstLoss,
            double lastLoss,
            long skippedUpdates) {}

    /** What to run. {@code device}: one, or several GPUs of this host ({@code gpu0,gpu1}) for data-parallel updates splitting the batch. */
    // More than eight components: what one benchmark run takes, each a command-line option.
    @SuppressWarnings("checkstyle:RecordComponentNumber")
    public record Settings(
            LlamaConfig config,
            ComputeDevice device,
            Precision precision,
            int batch,
            int length,
            int promptLength,
            int warmup,
            int steps,
            long seed,
            Optional<Path> profile,
            Optional<LoraSettings> lora,
            BatchLogps.Layout layout,
            boolean checkpointLayers) {

        /** How this run lays out and keeps its activations, for the memory estimate. */
        public ActivationLayout activations() {
            return new ActivationLayout(
                    promptLength,
                    layout == BatchLogps.Layout.SHARED_PROMPT,
                    NativeKernels.available(),
                    checkpointLayers);
        }
    }

    private WrpoBenchmark() {}

    public static Result run(Settings s) {
        ModelCost cost = new ModelCost(s.config(), s.batch(), s.length(), s.activations());
        Device device = s.device().device();
        int devices = s.device().devices().size();
        try (NDManager manager = s.device().newManager()) {
            // Policy and reference from the same seed start equal, as after SFT: the loss starts at log 2.
            LlamaForCausalLm policy = initialized(s.config(), manager, s.precision(), s.seed());
            CausalLanguageModel reference = reference(s, policy, manager);
            WrpoUpdate step = WrpoUpdate.on(s.device(), policy, reference, manager, updateSettings(s), s.layout());
            PreferenceBatch batch = randomBatch(
                    s.batch(), s.length(), s.promptLength(), s.config().vocabSize(), s.seed());
            double firstLoss = Double.NaN;
            for (int i = 0; i < s.warmup(); i++) {
                double loss = step.apply(batch, 0.1, 0.1).loss();
                firstLoss = Double.isNaN(firstLoss) ? loss : firstLoss;
            }
            if (s.profile().isPresent()) {
                try (KernelProfiler profiler = KernelProfiler.start(s.profile().get(), device, true)) {
                    step.apply(batch, 0.1, 0.1);
                }
            }
            long skippedBefore = step.skippedUpdates();
            MemoryPoll memory = MemoryPoll.start(device);
            double[] seconds = new double[s.steps()];
            double lastLoss = Double.NaN;
            long started = System.nanoTime();
            for (int i = 0; i < s.steps(); i++) {
                long t0 = System.nanoTime();
                lastLoss =
                        step.apply(batch, 0.1, 0.1).loss(); // reads the loss and the gradient norm back: a device sync
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
            // The optimizer's last kernels may still run: reading a weight waits for them.
            policy.getParameters().get(0).getValue().getArray().sum().getFloat();
            double mean = (System.nanoTime() - started) / 1e9 / s.steps();
            long peak = memory.stop();
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            return new Result(
                    devices == 1 ? device.toString() : s.device().devices().toString(),
                    s.layout(),
                    s.checkpointLayers(),
                    s.precision(),
                    s.batch(),
                    s.length(),
                    cost.parameters(),
                    mean,
                    sorted[sorted.length / 2],
                    cost.tokensPerUpdate() / mean,
                    s.batch() / mean,
                    cost.utilisation(mean, H200_PEAK_FLOPS * devices),
                    s.lora()
                            .map(l -> cost.estimatedLoraPeakBytes(s.precision(), l.rank()))
                            .orElse(cost.estimatedPeakBytes(s.precision())),
                    peak,
                    Double.isNaN(firstLoss) ? lastLoss : firstLoss,
                    lastLoss,
                    step.skippedUpdates() - skippedBefore);
        }
    }

    /** The paper's optimizer at a small rate (the update's cost does not depend on it). */
    private static UpdateSettings updateSettings(Settings s) {
        return new UpdateSettings(
                        CosineWarmupSchedule.paper(1e-6, 1_000), AdamW.Settings.PYTORCH, 1.0, 1, s.precision())
                .checkpointingLayers(s.checkpointLayers());
    }

    /** The frozen reference: a second model, or with LoRA the policy with its fresh (zero-effect) adapters off. */
    private static CausalLanguageModel reference(Settings s, LlamaForCausalLm policy, NDManager manager) {
        return s.lora().isPresent()
                ? LoraAdapters.attach(policy, s.lora().get(), manager).withoutAdapters()
                : initialized(s.config(), manager, s.precision(), s.seed());
    }

    private static LlamaForCausalLm initialized(LlamaConfig config, NDManager manager, Precision precision, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        LlamaForCausalLm model = new LlamaForCausalLm(config);
        model.initialize(manager, precision.computeType(), new Shape(1, 1), new Shape(1, 1));
        return model;
    }

    /** B samples of random tokens: a prompt of {@code promptLength} shared by the three responses, no padding. */
    static PreferenceBatch randomBatch(int batch, int length, int promptLength, int vocab, long seed) {
        Random random = new Random(seed);
        PreferenceBatch.Sequences sourceChosen = sequences(batch, length, promptLength, vocab, random);
        PreferenceBatch.Sequences targetChosen = sequences(batch, length, promptLength, vocab, random);
        PreferenceBatch.Sequences rejected = sequences(batch, length, promptLength, vocab, random);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(sourceChosen.tokens()[b], 0, targetChosen.tokens()[b], 0, promptLength);
            System.arraycopy(sourceChosen.tokens()[b], 0, rejected.tokens()[b], 0, promptLength);
        }
        return new PreferenceBatch(sourceChosen, targetChosen, rejected, filled(batch));
    }

    private static PreferenceBatch.Sequences sequences(
            int batch, int length, int promptLength, int vocab, Random random) {
        long[][] tokens = new long[batch][length];
        long[][] attention = new long[batch][length];
        long[][] response = new long[batch][length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                tokens[b][t] = 8 + random.nextInt(vocab - 8);
                attention[b][t] = 1;
                response[b][t] = t >= promptLength ? 1 : 0;
            }
        }
        return new PreferenceBatch.Sequences(tokens, attention, response);
    }

    private static double[] filled(int batch) {
        double[] weights = new double[batch];
        Arrays.fill(weights, 1.0);
        return weights;
    }

    /** Device memory in use, polled every 20 ms (cudaMemGetInfo); -1 when CUDA's runtime cannot be read. */
    private static final class MemoryPoll {
        private final AtomicLong peak = new AtomicLong(-1);
        private volatile boolean running = true;
        private Thread thread;

        static MemoryPoll start(Device device) {
            MemoryPoll poll = new MemoryPoll();
            if (!device.isGpu()) {
                return poll;
            }
            poll.thread = new Thread(
                    () -> {
                        while (poll.running) {
                            try {
                                poll.peak.accumulateAndGet(
                                        CudaUtils.getGpuMemory(device).getUsed(), Math::max);
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            } catch (RuntimeException | LinkageError e) {
                                return; // no libcudart for JNA to read: the runner's nvidia-smi samples instead
                            }
                        }
                    },
                    "gpu-memory-poll");
            poll.thread.setDaemon(true);
            poll.thread.start();
            return poll;
        }

        long stop() {
            running = false;
            if (thread != null) {
                thread.interrupt();
            }
            return peak.get();
        }
    }
}
