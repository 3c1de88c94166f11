package dev.fuseflow.embedded.registry;

import dev.fuseflow.embedded.process.ParentWatch;
import java.lang.reflect.Method;

/**
 * Main class of the registry JVM: arms {@link ParentWatch} and hands over to Apicurio's own main.
 * Runs on Apicurio's classpath, so it uses nothing but the JDK and this package.
 */
public final class RegistryLauncher {

    static final String APICURIO_MAIN = "io.quarkus.runner.GeneratedMain";

    private RegistryLauncher() {}

    public static void main(String[] args) throws ReflectiveOperationException {
        // Quarkus stops gracefully on System.exit through its own shutdown hook.
        // checkstyle:off: Regexp
        ParentWatch.start(() -> System.exit(0));
        // checkstyle:on: Regexp
        Method main = Class.forName(APICURIO_MAIN).getMethod("main", String[].class);
        main.invoke(null, (Object) args);
    }
}
