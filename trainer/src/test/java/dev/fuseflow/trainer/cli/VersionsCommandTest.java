package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.publish.ModelStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VersionsCommandTest {

    @TempDir
    Path dir;

    @Test
    void listShowsEveryNumberWithItsStatusTheCurrentOneAndTheReasonsAsATableAndAsJson() throws Exception {
        Path model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 1);
        ModelStore store = new ModelStore(dir.resolve("store"));
        store.publish(folder -> copy(model, folder), manifest(1, 0.4));
        store.recordRejected(
                manifest(2, 0.1), List.of("eval/task_reward 0.100000 is worse than the published 0.400000"));
        store.publish(folder -> copy(model, folder), manifest(3, 0.6));
        store.markRolledBack("target", 3, "answers got longer");
        store.setCurrent("target", 1);

        String table = run("versions", "list", "--store", dir.resolve("store").toString());
        assertThat(table.lines()).hasSize(4);
        assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
                .as("the preference columns, then the plug-in metric the versions carry")
                .containsSubsequence("samples", "accuracy", "margin", "task_reward", "reasons");
        assertThat(table.lines().skip(1).toList())
                .satisfiesExactly(
                        line -> assertThat(line).startsWith("1").contains("PUBLISHED", "*", "0.4000"),
                        line -> assertThat(line).startsWith("2").contains("REJECTED", "worse than the published"),
                        line -> assertThat(line).startsWith("3").contains("ROLLED_BACK", "answers got longer"));

        JsonNode json = new ObjectMapper()
                .readTree(
                        run("versions", "list", "--store", dir.resolve("store").toString(), "--json"));
        assertThat(json).hasSize(3);
        assertThat(json.get(0).get("current").asBoolean()).isTrue();
        assertThat(json.get(1).get("status").asText()).isEqualTo("REJECTED");
        assertThat(json.get(2).get("reasons").get(0).asText()).isEqualTo("answers got longer");
    }

    @Test
    void aliasesTagsAndPruneFromTheCommandLine() throws Exception {
        Path model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 1);
        ModelStore store = new ModelStore(dir.resolve("store"));
        for (long v = 1; v <= 4; v++) {
            store.publish(folder -> copy(model, folder), manifest(v, 0.1 * v));
        }
        String at = dir.resolve("store").toString();
        assertThat(run("versions", "alias", "set", "champion", "1", "--store", at))
                .isEqualTo("champion -> version 1 of target" + System.lineSeparator());
        run("versions", "alias", "set", "canary", "3", "--store", at);
        assertThat(run("versions", "tag", "1", "dataset=uf", "reviewed-by=ana", "--store", at))
                .contains("{dataset=uf, reviewed-by=ana}");
        assertThat(run("versions", "alias", "list", "--store", at).lines()).containsExactly("canary 3", "champion 1");

        String table = run("versions", "list", "--store", at);
        assertThat(table.lines().skip(1).toList())
                .satisfiesExactly(
                        line -> assertThat(line).startsWith("1").contains("champion", "dataset=uf reviewed-by=ana"),
                        line -> assertThat(line).startsWith("2"),
                        line -> assertThat(line).startsWith("3").contains("canary"),
                        line -> assertThat(line).startsWith("4").contains("*"));

        String dryRun = run("versions", "prune", "--keep", "1", "--dry-run", "--store", at);
        assertThat(dryRun.lines().toList())
                .anySatisfy(line -> assertThat(line).startsWith("2").contains("would remove"))
                .anySatisfy(line -> assertThat(line).startsWith("1").contains("keep", "alias champion"))
                .last()
                .asString()
                .startsWith("dry run: would remove 1 versions of target, ");
        assertThat(store.versions("target")).as("the dry run changed nothing").hasSize(4);

        run("versions", "alias", "remove", "canary", "--store", at);
        assertThat(run("versions", "prune", "--keep", "1", "--store", at)
                        .lines()
                        .toList())
                .last()
                .asString()
                .startsWith("removed 2 versions of target, ");
        assertThat(store.versions("target"))
                .extracting(s -> s.manifest().version())
                .containsExactly(1L, 4L);
    }

    @Test
    void aBadAliasOrTagIsRefusedWithItsRuleAndExitCode2() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine line = TrainerCommand.commandLine(new String[0], Map.of());
        line.setErr(new PrintWriter(err));
        int exit = line.execute("versions", "alias", "set", "Champion", "1", "--store", dir.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("alias 'Champion' must be 1 to 63 lower-case letters");
    }

    @Test
    void promotingAVersionThatIsNotStoredFailsWithAMessageAndExitCode2() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine line = TrainerCommand.commandLine(new String[0], Map.of());
        line.setErr(new PrintWriter(err));
        int exit = line.execute(
                "versions",
                "promote",
                "9",
                "--store",
                dir.resolve("store").toString(),
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--kafka-property",
                "max.block.ms=1000");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("version 9 of target is not in the store");
    }

    private static String run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine line = TrainerCommand.commandLine(args, Map.of());
        line.setOut(new PrintWriter(out));
        assertThat(line.execute(args)).isZero();
        return out.toString();
    }

    private static ModelStore.Manifest manifest(long version, double taskReward) {
        return new ModelStore.Manifest(
                "target",
                version,
                version == 1 ? null : 1L,
                version * 10,
                version * 80,
                Map.of(),
                Map.of("eval/task_reward", taskReward),
                Map.of());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName().toString()));
            }
        }
    }
}
