package dev.fuseflow.ops.cli;

import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.runtime.security.ComponentAccess;
import dev.fuseflow.runtime.security.ComponentAccess.Component;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code acls}: the ACLs a component's principal needs, printed, or created with an admin's credentials. */
@Command(
        name = "acls",
        mixinStandardHelpOptions = true,
        description = "The Kafka ACLs one component (--component) needs; --apply creates them (run it as an admin).")
final class AclsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(names = "--component", required = true, description = "One of ${COMPLETION-CANDIDATES}.")
    Component component;

    @Option(
            names = "--principal",
            required = true,
            description = "Kafka principal of the component, e.g. User:fuseflow-trainer.")
    String principal;

    @Option(names = "--streams-application-id", descriptionKey = OpsSettings.STREAMS_APPLICATION_ID_KEY)
    String streamsApplicationId;

    @Option(names = "--trainer-group-id", descriptionKey = OpsSettings.TRAINER_GROUP_ID_KEY)
    String trainerGroupId;

    @Option(names = "--model-name", descriptionKey = OpsSettings.MODEL_NAME_KEY)
    String modelName;

    @Option(
            names = "--apply",
            description = "Create the ACLs on the cluster (needs ALTER on the cluster: an admin's --security-config).")
    boolean apply;

    @Override
    public Integer call() throws Exception {
        if (!principal.contains(":")) {
            throw new IllegalArgumentException("--principal must look like User:name, got '" + principal + "'");
        }
        List<AclBinding> bindings = new ComponentAccess(
                        connection.topics(), streamsApplicationId, trainerGroupId, modelName)
                .bindings(component, principal);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s (%s) as %s needs:%n", component, component.who(), principal);
        bindings.forEach(binding -> out.println("  ALLOW " + ComponentAccess.describe(binding)));
        if (apply) {
            try (Admin admin = Admin.create(connection.clientConfig(OpsCommand.CLIENT_SETTINGS))) {
                admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
            }
            out.printf("created %d ACLs%n", bindings.size());
        }
        out.flush();
        return 0;
    }
}
