package dev.fuseflow.embedded.junit;

import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.embedded.EmbeddedStack;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Resolves {@link EmbeddedStack} parameters to one stack shared by the whole test JVM. */
public final class EmbeddedStackExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedStack.class, key -> SharedStack.start(), SharedStack.class)
                .stack();
    }

    /** Closed by JUnit when the root context closes, i.e. after the JVM's last test. */
    record SharedStack(EmbeddedStack stack) implements AutoCloseable {

        static SharedStack start() {
            BrokerMode mode = BrokerMode.parse(System.getProperty("fuseflow.test.broker", "auto"));
            Path dataDir = Path.of(System.getProperty("fuseflow.test.data.dir", System.getProperty("java.io.tmpdir")))
                    .resolve("embedded-stack-" + ProcessHandle.current().pid());
            return new SharedStack(EmbeddedStack.start(dataDir, mode));
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
