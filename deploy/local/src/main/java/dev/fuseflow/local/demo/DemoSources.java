package dev.fuseflow.local.demo;

import dev.fuseflow.local.sources.SourceBuilder;
import dev.fuseflow.local.sources.SourceRecipe;
import dev.fuseflow.local.sources.SourceRecipes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Which SOURCE models the demo app asks: neural models FuseFlow trains itself (cached, see {@link
 * SourceBuilder}) or the scripted pair, the fast option for tests.
 */
public sealed interface DemoSources {

    /** The choice on the command line ({@code --sources}). */
    enum Kind {
        NEURAL,
        SCRIPTED
    }

    /** The sources of {@code kind}; neural ones cached under {@code dir}. */
    static DemoSources of(Kind kind, Path dir) {
        return kind == Kind.NEURAL ? neural(dir) : scripted();
    }

    /** The sources, ready to answer; built first where a neural one is not cached. */
    List<DemoSource> open(DemoSettings settings, PrintStream out) throws IOException;

    /** The scripted pair ({@code source-wordsmith}, {@code source-numerist}). */
    static DemoSources scripted() {
        return new Scripted();
    }

    /** The neural pair of {@link SourceRecipes#demoPair()}, cached under {@code dir}. */
    static DemoSources neural(Path dir) {
        return new Neural(dir, SourceRecipes.demoPair());
    }

    /** Scripted answers drawn from the demo seed. */
    record Scripted() implements DemoSources {

        @Override
        public List<DemoSource> open(DemoSettings settings, PrintStream out) {
            return ScriptedDemoSource.demoPair(settings.seed() + 2);
        }
    }

    /** Models of {@code recipes}, built into (or reused from) {@code dir}, sampling at the demo's temperature. */
    record Neural(Path dir, List<SourceRecipe> recipes) implements DemoSources {

        public Neural {
            recipes = List.copyOf(recipes);
        }

        @Override
        public List<DemoSource> open(DemoSettings settings, PrintStream out) throws IOException {
            List<Path> models = new SourceBuilder(dir, out).models(recipes);
            return NeuralSource.loadAll(
                    recipes.stream().map(SourceRecipe::name).toList(),
                    models,
                    settings.temperature(),
                    settings.seed() + 2);
        }
    }
}
