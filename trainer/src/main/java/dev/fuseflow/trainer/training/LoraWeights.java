package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.lora.BaseIdentity;
import dev.fuseflow.trainer.lora.LoraAdapters;
import dev.fuseflow.trainer.lora.LoraSettings;
import dev.fuseflow.trainer.lora.PeftAdapter;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.publish.Artifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * LoRA: the starting model stays frozen and only adapters train. Checkpoints hold the adapter
 * (PEFT's files), its optimizer state and the run state, not the base. Leaving SFT keeps the SFT
 * adapter in the run folder and merges it into the base, so the preference stage trains a fresh
 * adapter on the SFT model and its reference, the same weights with the adapter off, is exactly the
 * SFT model. A published version is one adapter of the starting model: the preference adapter
 * stacked on the SFT adapter.
 */
final class LoraWeights implements PolicyWeights {

    /** The SFT stage's adapter, kept in the run folder when the stage ends. */
    static final String SFT_ADAPTER = "sft-adapter";

    /** The folder of a version that holds the merged full model, with {@link TrainingSetup#mergedLoraVersions}. */
    static final String MERGED = "merged";

    private final TrainingSetup setup;
    private final LoraSettings settings;
    private LoraAdapters adapters;
    /** The base with the adapters attached (and the SFT adapter merged in after SFT). */
    private CausalLanguageModel policy;
    /** {@link BaseIdentity} of the starting model, recorded in every adapter this run writes and checked in every one it reads. */
    private String baseSha256;
    /** The SFT adapter merged into the base; empty while SFT trains or when there was no SFT stage. */
    private Optional<PeftAdapter> sft = Optional.empty();

    LoraWeights(TrainingSetup setup, LoraSettings settings) {
        if (setup.device().isDataParallel()) {
            throw new IllegalArgumentException("--lora-rank with several devices (" + setup.device()
                    + ") is not supported yet: train LoRA on one device");
        }
        this.setup = setup;
        this.settings = settings;
    }

    @Override
    public CausalLanguageModel open(TrainingLoop.StartPoint start, NDManager manager) throws IOException {
        CausalLanguageModel base = ModelDirectory.load(setup.model(), manager, computeType());
        baseSha256 = BaseIdentity.sha256(setup.model());
        adapters = LoraAdapters.attach(base, settings, manager);
        policy = base;
        Path sftFolder = setup.output().resolve(SFT_ADAPTER);
        if (start.state().stage() != Stage.SFT && Files.isDirectory(sftFolder)) {
            PeftAdapter sftAdapter = ofThisBase(sftFolder);
            sftAdapter.loadInto(adapters, manager);
            adapters.merge();
            sft = Optional.of(sftAdapter);
        }
        if (start.checkpoint().isPresent()) {
            ofThisBase(start.checkpoint().get()).loadInto(adapters, manager);
        }
        return base;
    }

    @Override
    public CausalLanguageModel reference(NDManager manager) {
        return adapters.withoutAdapters();
    }

    @Override
    public void leaveSft() throws IOException {
        PeftAdapter sftAdapter = current();
        CheckpointStore.writeAtomically(setup.output().resolve(SFT_ADAPTER), sftAdapter::write);
        adapters.merge();
        sft = Optional.of(sftAdapter);
    }

    @Override
    public void writeCheckpoint(Path folder) throws IOException {
        current().write(folder);
    }

    @Override
    public void write(Path folder) throws IOException {
        PeftAdapter now = current();
        (sft.isPresent() ? now.stackedOn(sft.get()) : now).write(folder);
        if (setup.mergedLoraVersions()) {
            // The base in memory already holds the SFT adapter: merging the current one gives the version's model.
            ModelDirectory.saveMerged(policy, folder.resolve(MERGED), setup.model());
        }
    }

    @Override
    public Artifact artifact() {
        return Artifact.adapterOf(baseName(), baseSha256);
    }

    @Override
    public CausalLanguageModel load(Path folder, NDManager manager, DataType dataType) throws IOException {
        PeftAdapter version = ofThisBase(folder);
        CausalLanguageModel base = ModelDirectory.load(setup.model(), manager, dataType);
        version.loadInto(LoraAdapters.attach(base, version.settings(), manager), manager);
        return base;
    }

    /** An adapter read from {@code folder}, refused when it names another base than the run's. */
    private PeftAdapter ofThisBase(Path folder) throws IOException {
        PeftAdapter adapter = PeftAdapter.read(folder);
        if (!adapter.baseModel().equals(baseName())) {
            throw new IllegalArgumentException(
                    folder.resolve(PeftAdapter.CONFIG_FILE) + ": the adapter's base_model_name_or_path is '"
                            + adapter.baseModel() + "', this run trains adapters of '" + baseName() + "'");
        }
        adapter.requireBase(setup.model(), baseSha256);
        return adapter;
    }

    private PeftAdapter current() {
        return PeftAdapter.of(adapters, baseName(), Optional.of(baseSha256));
    }

    /** The base as adapters name it: the starting model's folder. */
    private String baseName() {
        return setup.model().toAbsolutePath().normalize().toString();
    }

    private DataType computeType() {
        return setup.recipe().optimization().precision().computeType();
    }
}
