package dev.fuseflow.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** The container image each runnable module declares in its pom (properties image.name, image.port, image.mainClass). */
record ModulePoms(String registry, Map<String, Image> byImageName) {

    record Image(String module, String name, int port, String mainClass) {}

    static ModulePoms read() throws Exception {
        String registry = property(Manifests.REPOSITORY.resolve("pom.xml"), "image.registry");
        Map<String, Image> images = new TreeMap<>();
        for (String module : new String[] {"producers/ingest", "stream-processors", "trainer", "ops"}) {
            Path pom = Manifests.REPOSITORY.resolve(module).resolve("pom.xml");
            Image image = new Image(
                    module,
                    property(pom, "image.name"),
                    Integer.parseInt(property(pom, "image.port")),
                    property(pom, "image.mainClass"));
            images.put(image.name(), image);
        }
        return new ModulePoms(registry, images);
    }

    Image image(String name) {
        Image image = byImageName.get(name);
        if (image == null) {
            throw new AssertionError("no module builds image " + name + "; modules build " + byImageName.keySet());
        }
        return image;
    }

    private static String property(Path pom, String name) throws Exception {
        Document document =
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        var nodes = document.getElementsByTagName(name);
        if (nodes.getLength() == 0) {
            throw new AssertionError(pom + " has no <" + name + ">");
        }
        return nodes.item(0).getTextContent().trim();
    }
}
