package dev.fuseflow.producers.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.producers.gateway.access.AccessConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the README's curl examples against a live gateway, so that the documentation cannot drift from the service. */
@WithEmbeddedStack
class GatewayReadmeTest {

    private static final Pattern EXPECTED = Pattern.compile("#\\s*→\\s*(\\d{3})\\s*$");

    static List<String> curlExamples() throws Exception {
        Path readme = Path.of(System.getProperty("maven.multiModuleProjectDirectory", "../.."), "README.md");
        if (!Files.exists(readme)) {
            readme = Path.of("../../README.md");
        }
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("<!-- gateway-curl-examples")) {
                marker = i;
            }
        }
        assertThat(marker).as("README marks its gateway examples").isNotNegative();
        List<String> commands = new ArrayList<>();
        for (int i = marker + 2; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            if (lines.get(i).startsWith("curl ")) {
                commands.add(lines.get(i));
            }
        }
        return commands;
    }

    @Test
    void everyCurlExampleGetsTheStatusTheReadmePromises(EmbeddedStack stack) throws Exception {
        assumeThat(Path.of("/usr/bin/curl")).as("curl is installed").exists();
        List<String> commands = curlExamples();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(4);
        String prefix = GatewayTest.prefix(stack.bootstrapServers());
        try (Gateway gateway = Gateway.start(new GatewayConfig(
                "127.0.0.1",
                0,
                stack.bootstrapServers(),
                stack.schemaRegistryUrl(),
                1 << 20,
                1_000,
                65_536,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                prefix,
                Map.of(),
                AccessConfig.local()))) {
            for (String command : commands) {
                Matcher expected = EXPECTED.matcher(command);
                assertThat(expected.find())
                        .as("'# → status' after: %s", command)
                        .isTrue();
                ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
                builder.environment().put("GATEWAY", "http://127.0.0.1:" + gateway.port());
                Process curl = builder.start();
                curl.getOutputStream().close();
                String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                curl.waitFor();
                assertThat(output).as(command).startsWith("HTTP/1.1 " + expected.group(1));
            }
        }
    }
}
