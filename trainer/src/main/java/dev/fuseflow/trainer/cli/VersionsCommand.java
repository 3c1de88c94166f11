package dev.fuseflow.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.versions.VersionMetrics;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.Retention;
import dev.fuseflow.trainer.publish.VersionLabels;
import dev.fuseflow.trainer.publish.VersionOperations;
import dev.fuseflow.trainer.publish.VersionPublisher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code versions}: the operator's view of a model's versions, and promotion and rollback. */
@Command(
        name = "versions",
        mixinStandardHelpOptions = true,
        description = "List a model's versions (published, current, aliases, tags, rolled back, rejected with reasons),"
                + " promote one, roll back, name versions with aliases and tags, or prune the store.",
        subcommands = {
            VersionsCommand.ListVersions.class,
            VersionsCommand.Promote.class,
            VersionsCommand.Rollback.class,
            VersionAliasCommand.class,
            VersionsCommand.Tag.class,
            VersionsCommand.Prune.class
        })
final class VersionsCommand {

    /** Where the versions are. */
    static final class StoreOptions {
        @Option(
                names = "--store",
                required = true,
                description = "Model store folder (serve's --store, default <output>/store).")
        Path store;

        @Option(
                names = "--model-name",
                defaultValue = "target",
                description = "The model whose versions these are (ModelVersion key; default ${DEFAULT-VALUE}).")
        String modelName;
    }

    /** Where the records go (promote and rollback). */
    static final class KafkaOptions {
        @Mixin
        ConnectionOptions connection = new ConnectionOptions();

        /** A publisher with its own transactional id, so it never fences the trainer's. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        VersionPublisher publisher(String modelName) {
            Map<String, Object> config = connection.clientConfig(
                    Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fuseflow-ops-" + modelName));
            KafkaAvroSerializer values = new KafkaAvroSerializer();
            values.configure(config, false);
            KafkaProducer<String, ModelVersion> producer = new KafkaProducer(config, new StringSerializer(), values);
            return new VersionPublisher(
                    producer, connection.topics().modelVersions().name());
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every version number given out, oldest first.")
    static final class ListVersions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions where = new StoreOptions();

        @Option(names = "--json", description = "One JSON array instead of the table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<VersionOperations.Entry> history =
                    new VersionOperations(new ModelStore(where.store), null).history(where.modelName);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(history));
                return 0;
            }
            List<String> columns = VersionMetrics.columns(
                    history.stream().map(VersionOperations.Entry::metrics).toList());
            StringBuilder header = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%-8s %-12s %-7s %-16s %-7s %8s %9s",
                    "version",
                    "status",
                    "current",
                    "aliases",
                    "parent",
                    "step",
                    "samples"));
            columns.forEach(
                    metric -> header.append(String.format(Locale.ROOT, " %12s", VersionMetrics.header(metric))));
            out.println(header.append("  tags; reasons"));
            for (VersionOperations.Entry e : history) {
                StringBuilder row = new StringBuilder(String.format(
                        Locale.ROOT,
                        "%-8d %-12s %-7s %-16s %-7s %8d %9d",
                        e.version(),
                        e.status(),
                        e.current() ? "*" : "",
                        e.aliases().isEmpty() ? "-" : String.join(",", e.aliases()),
                        e.parentVersion() == null ? "-" : e.parentVersion().toString(),
                        e.trainerStep(),
                        e.samplesTrained()));
                columns.forEach(metric ->
                        row.append(String.format(Locale.ROOT, " %12s", VersionMetrics.cell(e.metrics(), metric))));
                row.append("  ");
                e.tags()
                        .forEach((key, value) ->
                                row.append(key).append('=').append(value).append(' '));
                out.println(
                        row.append(String.join("; ", e.reasons())).toString().stripTrailing());
            }
            return 0;
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Make a stored version current (after a SHA-256 check) and announce it as PUBLISHED.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions where = new StoreOptions();

        @Mixin
        KafkaOptions kafka = new KafkaOptions();

        @Parameters(index = "0", description = "The version to promote.")
        long version;

        @Option(
                names = "--note",
                defaultValue = "no note",
                description = "Why, for the record (default: ${DEFAULT-VALUE}).")
        String note;

        @Override
        public Integer call() throws Exception {
            ModelStore store = new ModelStore(where.store);
            VersionOperations.requireStored(store, where.modelName, version); // before connecting to Kafka
            try (VersionPublisher publisher = kafka.publisher(where.modelName)) {
                new VersionOperations(store, publisher).promote(where.modelName, version, note);
            }
            spec.commandLine().getOut().println("version " + version + " of " + where.modelName + " is current");
            return 0;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description =
                    "Mark the current version ROLLED_BACK; the newest earlier version not rolled back becomes current.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions where = new StoreOptions();

        @Mixin
        KafkaOptions kafka = new KafkaOptions();

        @Option(
                names = "--note",
                required = true,
                description = "Why, for the record (the ROLLED_BACK record's reason).")
        String note;

        @Override
        public Integer call() throws Exception {
            long now;
            try (VersionPublisher publisher = kafka.publisher(where.modelName)) {
                now = new VersionOperations(new ModelStore(where.store), publisher).rollback(where.modelName, note);
            }
            spec.commandLine()
                    .getOut()
                    .println("rolled back; version " + now + " of " + where.modelName + " is current");
            return 0;
        }
    }

    @Command(
            name = "tag",
            mixinStandardHelpOptions = true,
            description = "Set or remove an operator's tags (key=value) on a stored version; prints its tags.")
    static final class Tag implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions where = new StoreOptions();

        @Parameters(index = "0", description = "The version to tag.")
        long version;

        @Parameters(index = "1..*", arity = "0..*", description = "Tags to set, as key=value.")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--remove", description = "A tag key to remove (repeatable).")
        List<String> remove = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            SortedMap<String, String> tags = new VersionLabels(new ModelStore(where.store))
                    .tag(where.modelName, version, set, Set.copyOf(remove));
            PrintWriter out = spec.commandLine().getOut();
            out.println("version " + version + " of " + where.modelName + ": "
                    + (tags.isEmpty() ? "no tags" : tags.toString()));
            return 0;
        }
    }

    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            description = "Retention: remove the weights of every stored version but the newest --keep, the current one"
                    + " and every aliased one (rejected records stay); --dry-run lists what would go.")
    static final class Prune implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions where = new StoreOptions();

        @Option(names = "--keep", required = true, description = "How many of the newest stored versions stay.")
        int keep;

        @Option(names = "--dry-run", description = "List what would be kept and removed; change nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            ModelStore store = new ModelStore(where.store);
            List<Retention.Decision> decisions = dryRun
                    ? Retention.plan(store, where.modelName, keep)
                    : Retention.prune(store, where.modelName, keep);
            PrintWriter out = spec.commandLine().getOut();
            out.println(String.format(Locale.ROOT, "%-8s %-14s %12s  %s", "version", "action", "bytes", "why"));
            long freed = 0;
            int removed = 0;
            for (Retention.Decision d : decisions) {
                String action = d.keep() ? "keep" : dryRun ? "would remove" : "removed";
                out.println(String.format(Locale.ROOT, "%-8d %-14s %12d  %s", d.version(), action, d.bytes(), d.why()));
                if (!d.keep()) {
                    freed += d.bytes();
                    removed++;
                }
            }
            out.println((dryRun ? "dry run: would remove " : "removed ") + removed + " versions of " + where.modelName
                    + ", " + freed + " bytes");
            return 0;
        }
    }
}
