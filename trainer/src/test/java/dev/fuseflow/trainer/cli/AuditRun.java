package dev.fuseflow.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fuseflow-trainer audit} run in this JVM as the command line runs it (the same parsing,
 * layers and exit codes), its output captured.
 *
 * @param exitCode what the process would exit with
 * @param out      its standard output: the table, or the JSON object
 * @param err      its standard error
 */
public record AuditRun(int exitCode, String out, String err) {

    /** The audit of {@code run} on the topics under {@code topicPrefix}, with {@code extra} options after. */
    public static AuditRun of(
            String bootstrapServers, String registryUrl, String topicPrefix, Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "audit",
                "--output",
                run.toString(),
                "--bootstrap-servers",
                bootstrapServers,
                "--schema-registry-url",
                registryUrl,
                "--topic-prefix",
                topicPrefix));
        args.addAll(List.of(extra));
        String[] argv = args.toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TrainerCommand.commandLine(argv, Map.of())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(argv);
        return new AuditRun(exit, out.toString(), err.toString());
    }

    /** The report of a {@code --json} run. */
    public JsonNode json() throws IOException {
        return new ObjectMapper().readTree(out);
    }
}
