package dev.fuseflow.local.sources;

import dev.fuseflow.demo.skills.SkillSamples;
import dev.fuseflow.trainer.cli.TrainerCommand;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Makes each source model by FuseFlow's own offline SFT ({@code fuseflow-trainer train --objective
 * SFT}, run in this JVM) and caches it: {@code <sources>/<name>-<fingerprint>/model} is reused while
 * it exists and built otherwise. A build writes into a {@code .partial} folder and renames it when
 * done, so an interrupted build is never taken for a finished one; older builds of the same name
 * (another recipe) are removed after a new one succeeds.
 */
public final class SourceBuilder {

    static final String MODEL = "model";
    /** The untrained model a build starts from, kept beside the trained one to compare with. */
    public static final String START = "start";

    static final String RECIPE = "recipe.txt";
    private static final String PARTIAL = ".partial";

    private final Path sourcesDir;
    private final PrintStream out;

    public SourceBuilder(Path sourcesDir, PrintStream out) {
        this.sourcesDir = sourcesDir;
        this.out = out;
    }

    /** The model folder of every recipe, in order, each built when not cached. */
    public List<Path> models(List<SourceRecipe> recipes) throws IOException {
        List<Path> models = new ArrayList<>();
        for (SourceRecipe recipe : recipes) {
            models.add(model(recipe));
        }
        return models;
    }

    /** The recipe's model folder: the cached one, or a new one trained now. */
    public Path model(SourceRecipe recipe) throws IOException {
        Path home = home(recipe);
        if (Files.isRegularFile(home.resolve(MODEL).resolve("config.json"))) {
            out.printf(Locale.ROOT, "source %s: reusing %s%n", recipe.name(), home.resolve(MODEL));
            return home.resolve(MODEL);
        }
        build(recipe, home);
        return home.resolve(MODEL);
    }

    /** Data, start model and SFT run in {@code <home>.partial}, renamed to {@code home} when all is done. */
    private void build(SourceRecipe recipe, Path home) throws IOException {
        long started = System.nanoTime();
        Path partial = home.resolveSibling(home.getFileName() + PARTIAL);
        deleteTree(partial);
        Files.createDirectories(partial);
        Files.writeString(partial.resolve(RECIPE), recipe.describe());
        Path data = partial.resolve("data.jsonl");
        WrpoExampleJsonl.write(data, SkillSamples.exact(recipe.samples(), recipe.seed(), recipe.skills()));
        Path start = partial.resolve(START);
        Files.createDirectories(start);
        recipe.tokenizer().write(start);
        recipe.architecture().writeFresh(start, recipe.shape(), recipe.seed());
        out.printf(
                Locale.ROOT,
                "source %s: training a %s (%s) on %d %s samples; %s%n",
                recipe.name(),
                recipe.architecture(),
                recipe.shape(),
                recipe.samples(),
                recipe.skills(),
                "fuseflow-trainer " + String.join(" ", trainArgs(recipe, start, data, partial.resolve("run"))));
        train(recipe, start, data, partial.resolve("run"));
        Files.move(partial.resolve("run").resolve(MODEL), partial.resolve(MODEL));
        // The run's metrics and plots stay beside the model; its checkpoints would only be resumed by a failed build.
        deleteTree(partial.resolve("run").resolve("checkpoints"));
        deleteTree(partial.resolve("run").resolve("reference-model"));
        deleteTree(home); // what is left of a build whose model went missing
        Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        removeOtherBuilds(recipe, home);
        out.printf(
                Locale.ROOT,
                "source %s: trained in %.0f s, cached in %s%n",
                recipe.name(),
                (System.nanoTime() - started) / 1e9,
                home.resolve(MODEL));
    }

    /** Where the recipe's build lives. */
    public Path home(SourceRecipe recipe) {
        return sourcesDir.resolve(recipe.name() + "-" + recipe.fingerprint());
    }

    private void train(SourceRecipe recipe, Path start, Path data, Path run) {
        String[] args = trainArgs(recipe, start, data, run).toArray(String[]::new);
        PrintWriter console = new PrintWriter(out, true, StandardCharsets.UTF_8);
        // No environment: FUSEFLOW_TRAIN_* variables meant for the user's own runs must not change a cached recipe.
        CommandLine trainer = TrainerCommand.commandLine(args, Map.of());
        trainer.setOut(console);
        trainer.setErr(console);
        int exit = trainer.execute(args);
        console.flush();
        if (exit != 0) {
            throw new IllegalStateException("training source " + recipe.name() + " failed (exit " + exit
                    + "); its data and start model are in " + run.getParent());
        }
    }

    private static List<String> trainArgs(SourceRecipe recipe, Path start, Path data, Path run) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--model",
                start.toString(),
                "--data",
                data.toString(),
                "--output",
                run.toString(),
                "--seed",
                Long.toString(recipe.seed())));
        args.addAll(recipe.trainOptions());
        return args;
    }

    private void removeOtherBuilds(SourceRecipe recipe, Path kept) throws IOException {
        try (DirectoryStream<Path> builds = Files.newDirectoryStream(sourcesDir, recipe.name() + "-*")) {
            for (Path build : builds) {
                String rest =
                        build.getFileName().toString().substring(recipe.name().length() + 1);
                // Another recipe's build of this name: 12 hex digits, maybe a .partial; not a longer name's.
                if (!build.equals(kept) && rest.matches("[0-9a-f]{12}(\\.partial)?")) {
                    out.printf(Locale.ROOT, "source %s: removing the older build %s%n", recipe.name(), build);
                    deleteTree(build);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + path, e);
                }
            });
        }
    }
}
