package dev.fuseflow.runtime.config;

import java.util.ArrayList;
import java.util.List;

/** {@link SettingsHelp} of the shared settings, the resource bundle of {@link ConnectionOptions} and the security options. */
public final class SharedSettingsHelp extends SettingsHelp {

    public SharedSettingsHelp() {
        super(all());
    }

    private static List<Setting<?>> all() {
        List<Setting<?>> all = new ArrayList<>(SharedSettings.CONNECTION);
        all.add(SharedSettings.SECURITY_CONFIG);
        all.add(SharedSettings.MAX_TEXT_BYTES);
        return all;
    }
}
