// The SARIF that Perimeter writes is valid SARIF 2.1.0: the output of `validate-policy`, `validate`
// and `analyze --format sarif` is checked against the official SARIF 2.1.0 JSON schema
// (sarif-2.1.0-rtm.5, the OASIS standard's schema as published by SchemaStore, shipped by the
// pinned @microsoft/jest-sarif) with Ajv, offline. Documents broken on purpose must be refused, so
// that a validator that accepts everything fails the test.
//
// Usage: node tests/sarif/sarif_schema_test.mjs PERIMETER_BINARY SOURCE_DIR
// (packages: `npm ci` in tests/sarif, done by scripts/setup.sh). Prints "N passed, M failed".
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const [perimeter, sourceDir] = process.argv.slice(2);
if (!perimeter || !sourceDir) {
  console.error('usage: sarif_schema_test.mjs PERIMETER_BINARY SOURCE_DIR');
  process.exit(2);
}

let Ajv, addFormats, schema;
try {
  Ajv = require('ajv-draft-04');
  addFormats = require('ajv-formats');
  schema = JSON.parse(readFileSync(new URL(
      './node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', import.meta.url)));
} catch (e) {
  console.log(`FAIL: the pinned packages of tests/sarif are missing (run scripts/setup.sh): ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    ++passed;
    console.log(`ok: ${name}`);
  } else {
    ++failed;
    console.log(`FAIL: ${name}${detail ? `: ${detail}` : ''}`);
  }
}

// The schema is the official one, not a stand-in.
const kSchemaId =
    'https://raw.githubusercontent.com/schemastore/schemastore/master/src/schemas/json/sarif-2.1.0-rtm.5.json';
check('the schema is SARIF 2.1.0 (rtm.5, SchemaStore)',
      schema.id === kSchemaId && schema.properties?.version?.enum?.[0] === '2.1.0', schema.id);

// unicodeRegExp: false: the schema's `language` pattern has a lone "]", which JSON Schema's
// ECMA-262 regular expressions accept but not in Unicode mode (Ajv's default).
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function sarifOf(args, input) {
  const run = spawnSync(perimeter, args, { input: input ?? '', encoding: 'utf8', cwd: sourceDir });
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`perimeter ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

function expectValid(name, log) {
  const ok = validate(log);
  const results = log.runs?.[0]?.results?.length ?? 0;
  check(`${name}: valid SARIF 2.1.0`, ok, ajv.errorsText(validate.errors));
  check(`${name}: has results`, results > 0, `${results} results`);
}

function expectInvalid(name, log) {
  check(`${name}: refused`, !validate(log), 'the schema accepted a broken document');
}

const cases = join(sourceDir, 'tests', 'cases');
const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }],
});
try {
  expectValid('validate-policy', sarifOf(
      ['validate-policy', '-', '--policy-type', 'IDENTITY_POLICY', '--format', 'sarif'], policy));
  const validateLog = sarifOf(['validate', join(cases, 'validate', 'template.json'),
                               join(cases, 'validate', 'template.yaml'),
                               join(cases, 'validate', 'plan.json'), '--format', 'sarif']);
  expectValid('validate (CloudFormation JSON and YAML, Terraform plan)', validateLog);
  expectValid('analyze (CloudFormation YAML)', sarifOf(
      ['analyze', join(cases, 'ingest', 'cloudformation.yaml'), '--zone-account', '123456789012',
       '--format', 'sarif', '-q']));
  expectValid('analyze (inventory)', sarifOf(
      ['analyze', join(sourceDir, 'samples', 'organization', 'inventory.jsonl'), '--zone-account', '123456789012',
       '--format', 'sarif', '-q']));

  expectValid('analyze (internal access)', sarifOf(
      ['analyze', join(sourceDir, 'samples', 'organization', 'inventory.jsonl'),
       '--analyzer-type', 'ORGANIZATION_INTERNAL_ACCESS', '--internal-access-rule',
       join(sourceDir, 'samples', 'organization', 'internal-access-rule.json'), '--format', 'sarif',
       '-q']));

  // Broken on purpose: each must be refused.
  const copy = () => JSON.parse(JSON.stringify(validateLog));
  let log = copy();
  log.version = '2.0.0';
  expectInvalid('a log of version 2.0.0', log);
  log = copy();
  delete log.runs[0].results[0].message;
  expectInvalid('a result without a message', log);
  log = copy();
  log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
  expectInvalid('a region starting on line 0', log);
  log = copy();
  log.runs[0].results[0].level = 'fatal';
  expectInvalid('a result of level "fatal"', log);
  log = copy();
  delete log.runs[0].tool;
  expectInvalid('a run without its tool', log);
} catch (e) {
  check('running perimeter', false, e.message);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
