package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ cite only pages a reader of the repository has: every Markdown link to a local file resolves,
 * and every page named in the text ({@code WRPO.md}) is in the repository (the design brief's DESIGN.md, WRPO.md and
 * PLATFORM.md were cited but lived outside it).
 */
class DocsReferencesTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+\\.md)(#[^)]*)?\\)");
    private static final Pattern NAMED = Pattern.compile("(?<![\\w/.-])([A-Z][A-Za-z-]*\\.md)\\b");

    @Test
    void everyCitedPageIsInTheRepository() throws IOException {
        Path root = root();
        List<String> missing = new ArrayList<>();
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            for (Path page : Stream.concat(
                            Stream.of(root.resolve("README.md")),
                            docs.filter(p -> p.toString().endsWith(".md")))
                    .toList()) {
                String text = Files.readString(page);
                Matcher link = LINK.matcher(text);
                while (link.find()) {
                    if (!link.group(1).contains("://")
                            && !Files.exists(page.getParent().resolve(link.group(1)))) {
                        missing.add(root.relativize(page) + " links " + link.group(1));
                    }
                }
                Matcher named = NAMED.matcher(text);
                while (named.find()) {
                    String name = named.group(1);
                    if (!Files.exists(root.resolve(name))
                            && !Files.exists(root.resolve("docs").resolve(name))) {
                        missing.add(root.relativize(page) + " names " + name);
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    private static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "No README.md and docs/ above " + Path.of("").toAbsolutePath());
    }
}
