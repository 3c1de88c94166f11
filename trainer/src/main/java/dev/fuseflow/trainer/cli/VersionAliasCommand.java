package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.VersionLabels;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code versions alias}: named pointers at stored versions (champion, canary) beside CURRENT. */
@Command(
        name = "alias",
        mixinStandardHelpOptions = true,
        description = "Named aliases of stored versions (e.g. champion, canary) beside CURRENT, which serving follows;"
                + " retention keeps every aliased version.",
        subcommands = {
            VersionAliasCommand.SetAlias.class,
            VersionAliasCommand.RemoveAlias.class,
            VersionAliasCommand.ListAliases.class
        })
final class VersionAliasCommand {

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Point an alias at a stored version.")
    static final class SetAlias implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        VersionsCommand.StoreOptions where = new VersionsCommand.StoreOptions();

        @Parameters(index = "0", description = "The alias: lower-case letters, digits and '-'.")
        String alias;

        @Parameters(index = "1", description = "The version it points at.")
        long version;

        @Override
        public Integer call() throws Exception {
            new VersionLabels(new ModelStore(where.store)).setAlias(where.modelName, alias, version);
            spec.commandLine().getOut().println(alias + " -> version " + version + " of " + where.modelName);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an alias (not its version).")
    static final class RemoveAlias implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        VersionsCommand.StoreOptions where = new VersionsCommand.StoreOptions();

        @Parameters(index = "0", description = "The alias.")
        String alias;

        @Override
        public Integer call() throws Exception {
            if (!new VersionLabels(new ModelStore(where.store)).removeAlias(where.modelName, alias)) {
                throw new IllegalArgumentException("alias " + alias + " of " + where.modelName + " does not exist");
            }
            spec.commandLine().getOut().println("alias " + alias + " of " + where.modelName + " removed");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every alias and its version.")
    static final class ListAliases implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        VersionsCommand.StoreOptions where = new VersionsCommand.StoreOptions();

        @Override
        public Integer call() throws Exception {
            for (Map.Entry<String, Long> alias : new VersionLabels(new ModelStore(where.store))
                    .aliases(where.modelName)
                    .entrySet()) {
                spec.commandLine().getOut().println(alias.getKey() + " " + alias.getValue());
            }
            return 0;
        }
    }
}
