// `perimeter serve` driven by the AWS SDK for JavaScript v3 (@aws-sdk/client-accessanalyzer, pinned in
// this folder's package.json) for the operations the older clients lack: ListFindingsV2 (with a filter
// and pagination), GetFindingV2 and GetFindingsStatistics. The SDK deserializes strictly (timestamps must
// be RFC 3339, enums and unions must have the model's shapes), and every field read is checked here.
//
// Usage: node js_sdk_test.mjs PATH/TO/perimeter. Fails when the SDK is not installed
// (cd tests/integration/js && npm ci).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

let sdk;
try {
  sdk = await import("@aws-sdk/client-accessanalyzer");
} catch {
  console.log("FAIL: @aws-sdk/client-accessanalyzer is not installed: run scripts/setup.sh (or cd tests/integration/js && npm ci)");
  process.exit(1);
}
const { AccessAnalyzerClient, CreateAnalyzerCommand, ListFindingsV2Command, GetFindingV2Command,
        GetFindingsStatisticsCommand } = sdk;

const DEV = "444455556666";
const REGION = "us-east-1";
const KEY = { accessKeyId: "AKIAITESTDEV00000001", secretAccessKey: "dev-test-secret-00000000000000000000000" };

const policy = (arn, actions) => JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: actions, Resource: `${arn}/*` }],
});
const bucket = (name, actions) => ({
  kind: "resource", resourceArn: `arn:aws:s3:::${name}`, resourceType: "AWS::S3::Bucket",
  resourceOwnerAccount: DEV, region: REGION,
  configuration: { s3Bucket: { bucketPolicy: policy(`arn:aws:s3:::${name}`, actions) } },
});

const binary = process.argv[2];
if (!binary) {
  console.log("usage: node js_sdk_test.mjs PATH/TO/perimeter");
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "perimeter-js-"));
writeFileSync(join(work, "server.toml"), `
listen = "127.0.0.1:0"
data_dir = "${join(work, "data")}"
periodic_scan = "24h"

[[accounts]]
id = "${DEV}"
name = "Dev"
regions = ["${REGION}"]

[[credentials]]
access_key_id = "${KEY.accessKeyId}"
secret_access_key = "${KEY.secretAccessKey}"
account = "${DEV}"
`);
writeFileSync(join(work, "inventory.jsonl"),
              [bucket("js-public-a", ["s3:GetObject"]), bucket("js-public-b", ["s3:GetObject", "s3:PutObject"])]
                  .map((r) => JSON.stringify(r)).join("\n") + "\n");

const server = spawn(binary, ["serve", "--config", join(work, "server.toml"), "--inventory",
                              join(work, "inventory.jsonl")], { stdio: ["ignore", "pipe", "inherit"] });
let failed = false;
try {
  const first = await new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`perimeter serve exited with ${code}`)));
  });
  assert.match(first, /^listening on http:\/\/127\.0\.0\.1:\d+$/);
  const endpoint = first.slice("listening on ".length);
  const client = new AccessAnalyzerClient({ endpoint, region: REGION, credentials: KEY });

  const { arn } = await client.send(new CreateAnalyzerCommand({ analyzerName: "js", type: "ACCOUNT" }));
  assert.equal(arn, `arn:aws:access-analyzer:${REGION}:${DEV}:analyzer/js`);

  // The new analyzer is scanned in the background: wait for both findings.
  const filter = { status: { eq: ["ACTIVE"] } };
  let listed = [];
  for (const deadline = Date.now() + 10000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    listed = (await client.send(new ListFindingsV2Command({ analyzerArn: arn, filter }))).findings;
    if (listed.length === 2) break;
  }
  assert.equal(listed.length, 2, `two ACTIVE findings, got ${JSON.stringify(listed)}`);

  // ListFindingsV2, one per page.
  const page1 = await client.send(new ListFindingsV2Command({ analyzerArn: arn, filter, maxResults: 1 }));
  assert.equal(page1.findings.length, 1);
  assert.equal(typeof page1.nextToken, "string");
  const page2 = await client.send(new ListFindingsV2Command({
    analyzerArn: arn, filter, maxResults: 1, nextToken: page1.nextToken }));
  assert.equal(page2.findings.length, 1);
  assert.equal(page2.nextToken, undefined);
  const summaries = [...page1.findings, ...page2.findings];
  assert.deepEqual(new Set(summaries.map((f) => f.resource)),
                   new Set(["arn:aws:s3:::js-public-a", "arn:aws:s3:::js-public-b"]));
  for (const f of summaries) {
    assert.equal(typeof f.id, "string");
    assert.equal(f.resourceType, "AWS::S3::Bucket");
    assert.equal(f.resourceOwnerAccount, DEV);
    assert.equal(f.status, "ACTIVE");
    assert.equal(f.findingType, "ExternalAccess");
    for (const time of [f.analyzedAt, f.createdAt, f.updatedAt]) {
      assert.ok(time instanceof Date && !Number.isNaN(time.getTime()), `timestamp ${time}`);
    }
  }

  // GetFindingV2: the summary plus externalAccessDetails.
  const b = summaries.find((f) => f.resource === "arn:aws:s3:::js-public-b");
  const got = await client.send(new GetFindingV2Command({ analyzerArn: arn, id: b.id }));
  assert.equal(got.id, b.id);
  assert.equal(got.resource, b.resource);
  assert.equal(got.status, "ACTIVE");
  assert.equal(got.findingType, "ExternalAccess");
  assert.ok(got.createdAt instanceof Date);
  assert.equal(got.findingDetails.length, 1);
  const details = got.findingDetails[0].externalAccessDetails;
  assert.ok(details, `externalAccessDetails in ${JSON.stringify(got.findingDetails)}`);
  assert.deepEqual([...details.action].sort(), ["s3:GetObject", "s3:PutObject"]);
  assert.equal(details.isPublic, true);
  assert.deepEqual(details.condition, {});
  assert.equal(details.principal.AWS, "*");
  assert.ok(Array.isArray(details.sources) && details.sources[0].type === "POLICY", JSON.stringify(details.sources));
  await assert.rejects(client.send(new GetFindingV2Command({ analyzerArn: arn, id: "no-such-finding" })),
                       (e) => e.name === "ResourceNotFoundException" && e.$metadata.httpStatusCode === 404);

  // GetFindingsStatistics.
  const stats = await client.send(new GetFindingsStatisticsCommand({ analyzerArn: arn }));
  assert.ok(stats.lastUpdatedAt instanceof Date);
  assert.equal(stats.findingsStatistics.length, 1);
  const external = stats.findingsStatistics[0].externalAccessFindingsStatistics;
  assert.ok(external, JSON.stringify(stats.findingsStatistics));
  assert.equal(external.totalActiveFindings, 2);
  assert.equal(external.totalArchivedFindings, 0);
  assert.equal(external.totalResolvedFindings, 0);
  assert.deepEqual(external.resourceTypeStatistics["AWS::S3::Bucket"],
                   { totalActivePublic: 2, totalActiveCrossAccount: 0, totalActiveErrors: 0 });
  console.log("ok: ListFindingsV2 (filter, pagination), GetFindingV2, GetFindingsStatistics with the JS SDK v3");
} catch (error) {
  failed = true;
  console.log("FAIL:", error.stack ?? error);
} finally {
  server.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
