package dev.fuseflow.runtime.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of one component, in the order the reference lists them, and the key prefixes it
 * passes through to Kafka's own clients. Keys, old keys and environment variables are unique: a
 * component whose two settings would share a variable does not load.
 *
 * @param component   the program, for messages and the reference ({@code fuseflow-stream-processors})
 * @param settings    the declarations
 * @param passthrough prefix ({@code kafka.}) to where its keys go, prefix removed
 */
public record SettingSet(String component, List<Setting<?>> settings, Map<String, String> passthrough) {

    public SettingSet {
        Objects.requireNonNull(component, "component");
        settings = List.copyOf(settings);
        passthrough = Map.copyOf(passthrough);
        Map<String, String> owners = new LinkedHashMap<>();
        for (Setting<?> setting : settings) {
            if (owners.containsKey(setting.key())) {
                throw new IllegalStateException(component + ": " + setting.key() + " is declared twice");
            }
            claim(owners, setting.key(), setting.key(), component);
            claim(owners, setting.envName(), setting.key(), component);
            for (Setting.Alias alias : setting.aliases()) {
                claim(owners, alias.key(), setting.key(), component);
                claim(owners, Settings.envName(alias.key()), setting.key(), component);
            }
        }
    }

    /** A component's settings: its own, then the shared groups it takes (connection, security, topics). */
    @SafeVarargs
    public static SettingSet of(
            String component, Map<String, String> passthrough, Collection<? extends Setting<?>>... groups) {
        List<Setting<?>> all = new ArrayList<>();
        for (Collection<? extends Setting<?>> group : groups) {
            all.addAll(group);
        }
        return new SettingSet(component, all, passthrough);
    }

    /** The setting of {@code key}, or of the old key {@code key}. */
    public Optional<Setting<?>> find(String key) {
        for (Setting<?> setting : settings) {
            if (setting.key().equals(key)
                    || setting.aliases().stream().anyMatch(alias -> alias.key().equals(key))) {
                return Optional.of(setting);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code key} is a declared key, an old key or under a passthrough prefix. */
    public boolean knows(String key) {
        return find(key).isPresent() || passthrough.keySet().stream().anyMatch(key::startsWith);
    }

    /** Key to default text of every setting that has a default, as a properties file would hold them. */
    public Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        settings.forEach(setting -> setting.defaultText().ifPresent(text -> defaults.put(setting.key(), text)));
        return defaults;
    }

    private static void claim(Map<String, String> owners, String name, String key, String component) {
        String before = owners.putIfAbsent(name, key);
        if (before != null && !before.equals(key)) {
            throw new IllegalStateException(component + ": " + key + " and " + before + " would both be " + name);
        }
    }
}
