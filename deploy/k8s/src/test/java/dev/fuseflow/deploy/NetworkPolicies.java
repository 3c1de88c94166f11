package dev.fuseflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kubernetes NetworkPolicy semantics over rendered policies: whether a connection from one pod to
 * a port of another is allowed. A pod that no policy selects for a direction is open in that
 * direction; one that some policy selects gets only what one of those policies' rules allows; a
 * connection needs both the source's egress and the destination's ingress.
 */
final class NetworkPolicies {

    /** A pod as the policies see it: its namespace (and that namespace's labels), labels and ports. */
    record Pod(
            String name,
            String namespace,
            Map<String, String> namespaceLabels,
            Map<String, String> labels,
            List<Port> ports) {}

    /** A container port; {@code name} may be empty. */
    record Port(int number, String name, String protocol) {

        static Port tcp(int number) {
            return new Port(number, "", "TCP");
        }

        @Override
        public String toString() {
            return number + "/" + protocol;
        }
    }

    private final List<JsonNode> policies;

    NetworkPolicies(List<JsonNode> policies) {
        this.policies = List.copyOf(policies);
    }

    /** Every allowed connection among {@code pods}, as "source -> destination:port/protocol". */
    Set<String> allowedFlows(List<Pod> pods) {
        Set<String> flows = new TreeSet<>();
        for (Pod source : pods) {
            for (Pod destination : pods) {
                for (Port port : destination.ports()) {
                    if (source != destination && allowed(source, destination, port)) {
                        flows.add(source.name() + " -> " + destination.name() + ":" + port);
                    }
                }
            }
        }
        return flows;
    }

    boolean allowed(Pod source, Pod destination, Port port) {
        return admits(source, "Egress", "to", destination, port)
                && admits(destination, "Ingress", "from", source, port);
    }

    /** Whether the policies selecting {@code pod} for {@code direction} let it talk with {@code peer} on {@code port}. */
    private boolean admits(Pod pod, String direction, String peersField, Pod peer, Port port) {
        List<JsonNode> selecting = new ArrayList<>();
        for (JsonNode policy : policies) {
            if (namespace(policy).equals(pod.namespace())
                    && Manifests.elements(policy.path("spec").path("policyTypes")).stream()
                            .anyMatch(t -> t.asText().equals(direction))
                    && selects(policy.path("spec").path("podSelector"), pod.labels())) {
                selecting.add(policy);
            }
        }
        if (selecting.isEmpty()) {
            return true;
        }
        for (JsonNode policy : selecting) {
            for (JsonNode rule : policy.path("spec").path(direction.toLowerCase(Locale.ROOT))) {
                if (peersMatch(rule.path(peersField), namespace(policy), peer)
                        && portsMatch(rule.path("ports"), port)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean peersMatch(JsonNode peers, String policyNamespace, Pod peer) {
        if (peers.isMissingNode() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode entry : peers) {
            if (entry.has("ipBlock")) {
                continue; // FuseFlow's policies name pods and namespaces, never addresses
            }
            boolean namespaceMatches = entry.has("namespaceSelector")
                    ? selects(entry.path("namespaceSelector"), peer.namespaceLabels())
                    : peer.namespace().equals(policyNamespace);
            boolean podMatches = !entry.has("podSelector") || selects(entry.path("podSelector"), peer.labels());
            if (namespaceMatches && podMatches) {
                return true;
            }
        }
        return false;
    }

    private static boolean portsMatch(JsonNode ports, Port port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode entry : ports) {
            String protocol = entry.path("protocol").asText("TCP");
            JsonNode value = entry.path("port");
            boolean number = value.isMissingNode()
                    || (value.isInt()
                            ? value.asInt() == port.number()
                            : value.asText().equals(port.name()));
            if (protocol.equals(port.protocol()) && number) {
                return true;
            }
        }
        return false;
    }

    /** A label selector's verdict (matchLabels and matchExpressions; empty selects everything). */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        var fields = selector.path("matchLabels").fields();
        while (fields.hasNext()) {
            var entry = fields.next();
            if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            Set<String> values = new TreeSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> values.contains(labels.get(key));
                case "NotIn" -> !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new AssertionError("unknown selector operator in " + expression);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String namespace(JsonNode policy) {
        return policy.path("metadata").path("namespace").asText("default");
    }
}
