package dev.fuseflow.trainer.lora;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The golden folders under src/test/resources/golden. */
final class LoraGoldens {

    private LoraGoldens() {}

    static Path folder(String name) {
        try {
            return Path.of(LoraGoldens.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
