package dev.fuseflow.runtime.config;

import java.util.Collection;
import java.util.ListResourceBundle;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code --help} text of options bound to declared settings ({@code @Option(descriptionKey = KEY)}),
 * generated from the declarations: the doc, the key's environment variable and the default in
 * effect (picocli's {@code ${DEFAULT-VALUE}}, which includes the file and environment layers).
 * {@link CommandLines#configure} sets one for a whole command line; mixins that other modules
 * use without it ({@link ConnectionOptions}) name {@link SharedSettingsHelp} as their bundle.
 */
public class SettingsHelp extends ListResourceBundle {

    private final Object[][] contents;

    public SettingsHelp(Collection<? extends Setting<?>> settings) {
        Map<String, String> text = new TreeMap<>();
        settings.forEach(setting -> text.put(setting.key(), text(setting)));
        contents = text.entrySet().stream()
                .map(e -> new Object[] {e.getKey(), e.getValue()})
                .toArray(Object[][]::new);
    }

    /** The doc, then the key, the variable and (when there is one) the default. */
    public static String text(Setting<?> setting) {
        String where = setting.key() + ", " + setting.envName();
        boolean hasDefault =
                setting.defaultText().filter(text -> !text.isBlank()).isPresent();
        return setting.doc() + " (" + where + (hasDefault ? "; default: ${DEFAULT-VALUE})" : ")");
    }

    @Override
    protected Object[][] getContents() {
        return contents.clone();
    }
}
