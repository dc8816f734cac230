// The web console in headless Chromium (Debian's chromium, driven by the pinned puppeteer-core):
//   node console_test.mjs PERIMETER_BINARY SEEDED_SERVER_BINARY ARTIFACT_DIR
// 1. `perimeter serve --config` on a temporary data directory with two member accounts' resources:
//    sign in, create an analyzer, filter the findings, open one, archive it, create an archive rule
//    from it, and check both through the API with a SigV4 client (the AWS CLI); a policy holding
//    <script> is shown as text; another account cannot see the finding (by the list nor by URL).
// 2. console_seeded_server with 100,000 findings: the findings page renders its first 50 rows in
//    at most 300 ms after the response arrives (measured in the page; the figure is printed); the
//    dashboard's aggregates are exact (the time of their call is printed).
// Every page is screenshotted into ARTIFACT_DIR and checked with axe-core (no serious or critical
// violation); a Content-Security-Policy violation of the console's own code fails the test.
import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {createRequire} from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, 'package.json'));
let puppeteer;
try {
  puppeteer = require('puppeteer-core');
} catch {
  console.log('FAIL: puppeteer-core is missing: run scripts/setup.sh (npm ci in tests/console)');
  process.exit(1);
}
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [perimeterBinary, seededBinary, artifactDir] = process.argv.slice(2);
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
if (!chromium) {
  console.log('FAIL: chromium is missing: run scripts/setup.sh');
  process.exit(1);
}
fs.mkdirSync(artifactDir, {recursive: true});

const failures = [];
function check(condition, message) {
  if (!condition) {
    failures.push(message);
    console.log(`  FAIL: ${message}`);
  }
  return condition;
}

const DEV = {account: '444455556666', key: 'AKIACONSOLETESTDEV01', secret: 'dev-console-secret-0000000000000000000001'};
const PROD = {account: '777788889999', key: 'AKIACONSOLETESTPROD1', secret: 'prod-console-secret-000000000000000000001'};
const MGMT = {account: '111122223333', key: 'AKIACONSOLETESTMGMT1', secret: 'mgmt-console-secret-000000000000000000001'};
const SEEDED = {account: '123456789012', key: 'AKIACONSOLESEEDED001', secret: 'seeded-console-secret-00000000000000001'};
const XSS = '<script>window.__perimeterXss = 1</script><img src=x onerror="window.__perimeterXss = 2">';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'perimeter-console-'));
const children = [];

function startServer(binary, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {stdio: ['ignore', 'pipe', 'pipe']});
    children.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const match = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) resolve({child, url: match[1]});
    });
    child.on('exit', (code) => reject(new Error(`${binary} exited ${code}: ${err.slice(-2000)}`)));
  });
}

function writeFixture() {
  const config = `listen = "127.0.0.1:0"
periodic_scan = "24h"

[organization]
id = "o-exampleorgid"
management_account = "111122223333"

[[accounts]]
id = "111122223333"
name = "Mgmt"
regions = ["us-east-1", "eu-west-1"]

[[accounts]]
id = "${DEV.account}"
name = "Dev"
regions = ["us-east-1", "eu-west-1"]

[[accounts]]
id = "${PROD.account}"
name = "Prod"
regions = ["us-east-1"]

[[credentials]]
access_key_id = "${DEV.key}"
secret_access_key = "${DEV.secret}"
account = "${DEV.account}"

[[credentials]]
access_key_id = "${MGMT.key}"
secret_access_key = "${MGMT.secret}"
account = "${MGMT.account}"

[[credentials]]
access_key_id = "${PROD.key}"
secret_access_key = "${PROD.secret}"
account = "${PROD.account}"
`;
  const policy = (statements) => JSON.stringify({Version: '2012-10-17', Statement: statements});
  const records = [
    {kind: 'resource', resourceArn: 'arn:aws:s3:::dev-public-reports', resourceType: 'AWS::S3::Bucket',
      resourceOwnerAccount: DEV.account, region: 'us-east-1',
      configuration: {s3Bucket: {bucketPolicy: policy([
        {Sid: 'Internal', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${DEV.account}:root`}, Action: 's3:PutObject', Resource: 'arn:aws:s3:::dev-public-reports/*'},
        {Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::dev-public-reports/*'}])}}},
    {kind: 'resource', resourceArn: `arn:aws:sqs:us-east-1:${DEV.account}:dev-alerts`, resourceType: 'AWS::SQS::Queue',
      resourceOwnerAccount: DEV.account, region: 'us-east-1',
      configuration: {sqsQueue: {queuePolicy: policy([
        {Effect: 'Allow', Principal: {AWS: '999988887777'}, Action: 'sqs:SendMessage',
          Resource: `arn:aws:sqs:us-east-1:${DEV.account}:dev-alerts`,
          Condition: {StringEquals: {'aws:PrincipalTag/team': XSS}}}])}}},
    {kind: 'resource', resourceArn: 'arn:aws:s3:::prod-shared-data', resourceType: 'AWS::S3::Bucket',
      resourceOwnerAccount: PROD.account, region: 'us-east-1',
      configuration: {s3Bucket: {bucketPolicy: policy([
        {Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::999988887777:root'}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::prod-shared-data/*'}])}}},
  ];
  fs.writeFileSync(path.join(work, 'server.toml'), config);
  fs.writeFileSync(path.join(work, 'inventory.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

// The AWS CLI (SigV4) against the server, as `who`.
function aws(url, who, args) {
  const env = {PATH: process.env.PATH, HOME: work, AWS_ACCESS_KEY_ID: who.key, AWS_SECRET_ACCESS_KEY: who.secret,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(work, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'none')};
  return JSON.parse(execFileSync('aws', [...args, '--endpoint-url', url, '--output', 'json'], {env, encoding: 'utf8'}));
}

async function newPage(browser, url) {
  const page = await browser.newPage();
  await page.setViewport({width: 1366, height: 850});
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) check(false, `CSP violation: ${text}`);
  });
  page.on('pageerror', (error) => check(false, `page error: ${error.message}`));
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(`${url}/console/`);
  return page;
}

async function ready(page, name) {
  await page.waitForFunction((n) => document.getElementById('main').dataset.ready === n, {timeout: 15000}, name);
}

async function go(page, hash, name) {
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.evaluate((h) => { location.hash = h; }, hash);
  await ready(page, name);
}

async function audit(page, name) {
  await page.screenshot({path: path.join(artifactDir, `${name}.png`), fullPage: true});
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {resultTypes: ['violations']});
    return r.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(serious.length === 0, `${name}: axe-core serious/critical violations ${JSON.stringify(serious)}`);
  console.log(`  ${name}: screenshot, axe-core ${result.length} violation(s) ${result.map((v) => `${v.id}/${v.impact}`).join(' ')}, ${serious.length} serious or critical`);
}

async function signIn(page, who) {
  await ready(page, 'signin');
  await page.type('input[name=accessKeyId]', who.key);
  await page.type('input[name=secretAccessKey]', who.secret);
  await Promise.all([page.keyboard.press('Enter'), ready(page, 'dashboard')]);
}

// Console API calls from inside the page (the session's cookie and CSRF token).
async function consoleCall(page, operation, input, region = 'us-east-1') {
  return page.evaluate(async (op, body, r) => {
    const session = await (await fetch('/console/session')).json();
    const response = await fetch(`/console/api/${op}`, {method: 'POST', headers: {
      'Content-Type': 'application/json', 'X-Perimeter-Csrf': session.csrfToken, 'X-Perimeter-Region': r},
    body: JSON.stringify(body)});
    return {status: response.status, body: await response.json()};
  }, operation, input, region);
}

async function functional(browser) {
  writeFixture();
  const {url} = await startServer(perimeterBinary, ['serve', '--config', path.join(work, 'server.toml'),
    '--data-dir', path.join(work, 'data'), '--inventory', path.join(work, 'inventory.jsonl')]);
  const page = await newPage(browser, url);
  await audit(page, 'signin');
  // A wrong secret is refused on the page.
  await page.type('input[name=accessKeyId]', DEV.key);
  await page.type('input[name=secretAccessKey]', 'wrong');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.signin .error:not([hidden])');
  await page.evaluate(() => { document.querySelector('input[name=accessKeyId]').value = ''; document.querySelector('input[name=secretAccessKey]').value = ''; });
  await signIn(page, DEV);

  // Create the account's analyzer on the analyzers page.
  await go(page, '#/analyzers', 'analyzers');
  await page.type('[data-testid=analyzer-name]', 'dev');
  await Promise.all([page.click('form.inline button[type=submit]'),
    page.waitForFunction(() => [...document.querySelectorAll('main td')].some((td) => td.textContent === 'dev'), {timeout: 15000})]);
  await ready(page, 'analyzers');
  const arn = `arn:aws:access-analyzer:us-east-1:${DEV.account}:analyzer/dev`;
  let listed;
  for (let i = 0; i < 100; ++i) {
    listed = await consoleCall(page, 'ListFindings', {analyzerArn: arn});
    if ((listed.body.findings || []).length >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  check((listed.body.findings || []).length === 2, `Dev's analyzer has 2 findings: ${JSON.stringify(listed.body)}`);
  await audit(page, 'analyzers');
  await go(page, '#/dashboard', 'dashboard');
  check(await page.$eval('[data-testid=analyzers-by-region]', (t) => t.textContent.includes('dev (ACCOUNT, ACTIVE)')), 'dashboard lists the analyzer');
  check(await page.$eval('[data-testid=regions-missing]', (t) => t.textContent.includes('eu-west-1')), 'eu-west-1 has no analyzer');
  check(await page.$eval('.charts', (c) => c.textContent.includes('SQS::Queue') && c.dataset.totalActive === '2'),
      'the dashboard charts the two active findings');
  check(await page.$eval('.charts figure:nth-of-type(2)', (f) => /Public\s*1/.test(f.querySelector('svg').getAttribute('aria-label'))),
      'one public finding');
  check(await page.$eval('.charts figure:nth-of-type(3)', (f, account) => f.querySelector('svg').getAttribute('aria-label').includes(`${account} 2`), DEV.account),
      'the account chart counts the two findings of Dev (perimeter/GetFindingAggregates)');
  const byDay = await page.$$eval('[data-testid=findings-by-day] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  check(byDay.length === 1 && byDay[0][1] === '2' && byDay[0][2] === '0', `two findings created today, none resolved: ${JSON.stringify(byDay)}`);
  await audit(page, 'dashboard');

  // Filter: SQS queues only.
  await go(page, '#/findings?analyzer=dev', 'findings');
  await page.select('[data-testid=filters] select:nth-of-type(1)', '');
  const typeSelect = (await page.$$('[data-testid=filters] select'))[1];
  await typeSelect.select('AWS::SQS::Queue');
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.click('[data-testid=filters] button[type=submit]');
  await ready(page, 'findings');
  check(page.url().includes('resourceType=AWS%3A%3ASQS%3A%3AQueue'), `the filter is in the URL: ${page.url()}`);
  const rows = await page.$$eval('[data-testid=findings-table] tbody tr', (trs) => trs.map((tr) => tr.textContent));
  check(rows.length === 1 && rows[0].includes('dev-alerts'), `filtered to the queue: ${JSON.stringify(rows)}`);
  await audit(page, 'findings');

  // Open it: the policy holding <script> is text, nothing ran.
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.click('[data-testid=findings-table] tbody tr a');
  await ready(page, 'finding');
  const findingUrl = page.url();
  const findingId = decodeURIComponent(findingUrl.match(/#\/finding\/([^?]+)/)[1]);
  const policyText = await page.$eval('[data-testid=policy]', (p) => p.textContent);
  check(policyText.includes('<script>window.__perimeterXss = 1</script>'), 'the policy shows <script> as text');
  check(await page.evaluate(() => window.__perimeterXss === undefined), 'no injected script ran');
  check(await page.evaluate(() => document.querySelectorAll('script').length === 1 && document.querySelectorAll('main img').length === 0),
      'no element was made from the policy');
  check(await page.$eval('.statement.granting', (s) => s.textContent.includes('sqs:SendMessage')), 'the granting statement is highlighted');
  await audit(page, 'finding');

  // Archive it, then make a rule from it.
  check(await page.$$eval('[data-testid=status-history] tbody tr', (trs) => trs.length === 1 && trs[0].textContent.includes('Created by the analysis')),
      'the status history holds the creation');
  await page.click('[data-testid=archive]');
  await page.waitForFunction(() => document.querySelector('[data-testid=finding-status]')?.textContent === 'ARCHIVED', {timeout: 10000});
  const history = await page.$$eval('[data-testid=status-history] tbody tr', (trs) => trs.map((tr) => tr.textContent));
  check(history.length === 2 && history[1].includes('ACTIVE → ARCHIVED') && history[1].includes(`Archived by arn:aws:iam::${DEV.account}:`),
      `the status history shows who archived it: ${JSON.stringify(history)}`);
  await page.screenshot({path: path.join(artifactDir, 'finding-history.png'), fullPage: true});
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.click('[data-testid=rule-from-finding]');
  await ready(page, 'rules');
  const keys = await page.$$eval('.criterion-key', (inputs) => inputs.map((i) => i.value));
  check(keys.includes('resource') && keys.includes('principal.AWS'), `the rule is prefilled: ${keys}`);
  await page.click('[data-testid=preview-button]');
  await page.waitForSelector('[data-testid=preview-count]');
  check((await page.$eval('[data-testid=preview-count]', (p) => p.textContent)).startsWith('0 active'),
      'the preview: the archived finding is not active any more');
  await audit(page, 'rule-editor');
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.click('[data-testid=save-rule]');
  await ready(page, 'rules');
  await page.waitForSelector('[data-testid=rules-table]');
  await audit(page, 'rules');
  const ruleName = `from-${findingId.slice(0, 8)}`;

  // Through the API, with SigV4 (the AWS CLI).
  const got = aws(url, DEV, ['accessanalyzer', 'get-finding', '--analyzer-arn', arn, '--id', findingId]);
  check(got.finding.status === 'ARCHIVED', `the API shows the finding archived: ${got.finding.status}`);
  const rule = aws(url, DEV, ['accessanalyzer', 'get-archive-rule', '--analyzer-name', 'dev', '--rule-name', ruleName]);
  check(rule.archiveRule.filter.resource.eq[0] === `arn:aws:sqs:us-east-1:${DEV.account}:dev-alerts`,
      `the API shows the rule: ${JSON.stringify(rule.archiveRule.filter)}`);

  // Bulk: archive every finding of the page, then make them active again.
  await go(page, '#/findings?analyzer=dev', 'findings');
  const bulk = async (button, expected) => {
    await page.click('[data-testid=findings-table] thead input[type=checkbox]');
    await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
    await page.click(`[data-testid=${button}]`);
    await ready(page, 'findings');
    const statuses = await page.$$eval('[data-testid=findings-table] tbody tr td:nth-child(8)', (tds) => tds.map((td) => td.textContent));
    check(statuses.length === 2 && statuses.every((s) => s === expected), `bulk ${button}: ${statuses}`);
  };
  await bulk('bulk-archive', 'ARCHIVED');
  await bulk('bulk-unarchive', 'ACTIVE');
  const active = aws(url, DEV, ['accessanalyzer', 'list-findings', '--analyzer-arn', arn, '--filter', '{"status": {"eq": ["ACTIVE"]}}']);
  check(active.findings.length === 2, `the API shows both findings active again: ${active.findings.length}`);

  // Policy validation.
  await go(page, '#/validate', 'validate');
  await page.$eval('[data-testid=policy-input]', (t) => { t.value = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]\n}'; });
  await page.click('[data-testid=validation-results] ~ *, form button[type=submit]');
  await page.waitForFunction(() => /finding\(s\)/.test(document.querySelector('[data-testid=validation-results]').textContent), {timeout: 15000});
  check(await page.$eval('[data-testid=validation-results]', (r) => r.querySelector('.line.marked')?.textContent.startsWith('3')),
      'the validation finding is shown at line 3');
  await audit(page, 'validate');

  // Another account: sees neither the list entry nor the finding by its URL, nor by the API.
  await page.click('#sign-out');
  await ready(page, 'signin');
  await signIn(page, PROD);
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.goto(findingUrl);
  await ready(page, 'finding');
  const text = await page.$eval('main', (m) => m.textContent);
  check(!text.includes('dev-alerts') && /error|not found|denied/i.test(text), `Prod cannot open Dev's finding by URL: ${text.slice(0, 300)}`);
  const foreign = await consoleCall(page, 'GetFinding', {analyzerArn: arn, id: findingId});
  check(foreign.status >= 400, `Prod's console API call for Dev's finding is refused: ${foreign.status}`);
  await page.screenshot({path: path.join(artifactDir, 'member-isolation.png')});

  // The management account's organization view: enable trusted access from the console.
  await page.click('#sign-out');
  await ready(page, 'signin');
  await signIn(page, MGMT);
  await go(page, '#/analyzers', 'analyzers');
  const organization = await page.$eval('[data-testid=organization]', (s) => s.textContent);
  check(organization.includes('management account 111122223333 (you)') && organization.includes('Trusted access for IAM Access Analyzer: disabled') &&
      organization.includes(DEV.account), `the organization view: ${organization}`);
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.click('[data-testid=organization] button');
  await ready(page, 'analyzers');
  await page.waitForFunction(() => document.querySelector('[data-testid=organization]')?.textContent.includes('Analyzer: enabled'), {timeout: 10000});
  const access = aws(url, MGMT, ['organizations', 'list-aws-service-access-for-organization']);
  check(access.EnabledServicePrincipals.some((p) => p.ServicePrincipal === 'access-analyzer.amazonaws.com'),
      `the API shows trusted access enabled: ${JSON.stringify(access)}`);
  await audit(page, 'organization');
  await page.close();
}

const SEEDED_COUNT = 100000;

// Started first, so that the seeding (first run only) overlaps the functional part.
function startSeededServer() {
  const started = Date.now();
  // Kept beside the artifacts (build/test-artifacts/console-seeded-N): only the first run seeds.
  const seededDir = path.join(path.dirname(artifactDir), `console-seeded-${SEEDED_COUNT}`);
  return startServer(seededBinary, ['--data-dir', seededDir, '--findings', String(SEEDED_COUNT),
    '--account', SEEDED.account, '--key', SEEDED.key, '--secret', SEEDED.secret]).then((server) => {
    console.log(`  seeded ${SEEDED_COUNT} findings and started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return server;
  });
}

async function performance(browser, seeded) {
  const count = SEEDED_COUNT;
  const {url} = await seeded;
  const page = await newPage(browser, url);
  await signIn(page, SEEDED);
  const figures = [];
  for (let run = 0; run < 3; ++run) {
    await go(page, `#/findings?analyzer=bench&status=ACTIVE&sort=updatedAt&order=DESC&run=${run}`, 'findings');
    const rows = await page.$$eval('[data-testid=findings-table] tbody tr', (trs) => trs.length);
    check(rows === 50, `the first page has 50 rows: ${rows}`);
    figures.push(Number(await page.$eval('[data-testid=findings-table]', (t) => t.dataset.renderMs)));
  }
  // The median of three runs: one run can be slowed by the other processes of a shared machine.
  const median = [...figures].sort((a, b) => a - b)[1];
  console.log(`  findings page, first 50 rows of ${count}: rendered in ${figures.map((f) => f.toFixed(1)).join(', ')} ms after the response (median ${median.toFixed(1)} ms)`);
  check(median <= 300, `render of 50 rows within 300 ms: median ${median} ms`);
  await page.screenshot({path: path.join(artifactDir, 'findings-100k.png')});
  // The next page is one keyset query away.
  await page.evaluate(() => { document.getElementById('main').dataset.ready = ''; });
  await page.click('[data-testid=next-page]');
  await ready(page, 'findings');
  check((await page.$$eval('[data-testid=findings-table] tbody tr', (trs) => trs.length)) === 50, 'the second page has 50 rows');
  // The dashboard's exact aggregates of the 100,000 (90,000 active: every tenth is archived), and
  // the time of the aggregate call, measured in the page around the fetch (three runs).
  const analyzerArn = `arn:aws:access-analyzer:us-east-1:${SEEDED.account}:analyzer/bench`;
  const measured = await page.evaluate(async (arn) => {
    const session = await (await fetch('/console/session')).json();
    const times = [];
    let body;
    for (let run = 0; run < 3; ++run) {
      const started = performance.now();
      const reply = await fetch('/console/api/perimeter/GetFindingAggregates', {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-Perimeter-Csrf': session.csrfToken, 'X-Perimeter-Region': 'us-east-1'},
        body: JSON.stringify({analyzerArn: arn})});
      body = await reply.json();
      times.push(performance.now() - started);
    }
    return {times, body};
  }, analyzerArn);
  const aggregates = measured.body;
  const sortedTimes = [...measured.times].sort((a, b) => a - b);
  console.log(`  dashboard aggregates of ${count} findings (perimeter/GetFindingAggregates): ${measured.times.map((t) => t.toFixed(1)).join(', ')} ms (median ${sortedTimes[1].toFixed(1)} ms)`);
  check(aggregates.activeByResourceType?.['AWS::S3::Bucket'] === 70000 && aggregates.activeByResourceType?.['AWS::SQS::Queue'] === 20000,
      `active by type at 100,000: ${JSON.stringify(aggregates.activeByResourceType)}`);
  check(aggregates.activeByAccount?.[SEEDED.account] === 90000 && aggregates.activePublic === 30000 &&
      aggregates.activeExternal === 60000 && aggregates.activeErrors === 0,
  `active by account, public and external at 100,000: ${JSON.stringify({...aggregates, byDay: undefined})}`);
  check((aggregates.byDay || []).reduce((total, day) => total + day.created, 0) === count,
      'every finding counted on its creation day');
  await go(page, '#/dashboard?analyzer=bench', 'dashboard');
  check(await page.$eval('.charts', (c) => c.dataset.totalActive === '90000'), 'the dashboard charts all 90,000 active findings');
  await page.screenshot({path: path.join(artifactDir, 'dashboard-100k.png'), fullPage: true});
  await page.close();
}

let browser;
try {
  browser = await puppeteer.launch({executablePath: chromium, headless: true,
    userDataDir: path.join(work, 'chromium'), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  const seeded = startSeededServer();
  seeded.catch(() => {});  // awaited below; a failure is reported there
  console.log('console: functional');
  await functional(browser);
  console.log('console: 100,000 findings');
  await performance(browser, seeded);
} catch (error) {
  check(false, `exception: ${error.stack || error}`);
} finally {
  if (browser) await browser.close();
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  fs.rmSync(work, {recursive: true, force: true});
}
console.log(`screenshots in ${artifactDir}`);
if (failures.length) {
  console.log(`FAIL: ${failures.length} failure(s)`);
  process.exit(1);
}
console.log('PASS');
