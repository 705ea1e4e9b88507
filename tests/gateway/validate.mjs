// Validate Gateway API objects in YAML files against @kubernetes-models/gateway-api.
//
// Usage: node tests/gateway/validate.mjs FILE...
// Prints one line per object ("valid: FILE: Kind/name" or "invalid: ...") and
// exits with 1 when any object is invalid or of a kind the models do not define.
// The models check types, required fields, enums, patterns and sizes from the
// Gateway API CRD schemas. They do not reject unknown fields, and they do not
// run the CRDs' CEL rules.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const GROUP = "gateway.networking.k8s.io/";

async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || !apiVersion.startsWith(GROUP)) {
    throw new Error(`unsupported apiVersion ${apiVersion}: expected ${GROUP}<version>`);
  }
  let models;
  try {
    models = await import(`@kubernetes-models/gateway-api/${apiVersion}`);
  } catch (error) {
    throw new Error(
      `apiVersion ${apiVersion} not found in @kubernetes-models/gateway-api: ${error.message}`,
    );
  }
  if (typeof models[kind] !== "function") {
    throw new Error(`kind ${kind} not found in ${apiVersion} of the models`);
  }
  return models[kind];
}

async function validateFile(path) {
  let failures = 0;
  const documents = parseAllDocuments(readFileSync(path, "utf8"));
  for (const document of documents) {
    if (document.errors.length > 0) {
      console.log(`invalid: ${path}: YAML: ${document.errors[0].message}`);
      failures += 1;
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) {
      continue;
    }
    const name = `${object.kind}/${object.metadata?.name ?? "<no name>"}`;
    try {
      const Model = await modelFor(object.apiVersion, object.kind);
      new Model(object).validate();
      console.log(`valid: ${path}: ${name}`);
    } catch (error) {
      console.log(`invalid: ${path}: ${name}: ${error.message}`);
      failures += 1;
    }
  }
  return failures;
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error("usage: node tests/gateway/validate.mjs FILE...");
  process.exit(2);
}
let failures = 0;
for (const path of paths) {
  failures += await validateFile(path);
}
process.exit(failures > 0 ? 1 : 0);
