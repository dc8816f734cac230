// The console's calls: /console/api/OPERATION with the operation's input (botocore's input shape),
// the session's CSRF token and the selected region. The server acts with the session's access key
// through the same operation table and authorization as SigV4 callers.

let session = null;
let region = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function currentSession() { return session; }
export function currentRegion() { return region || (session && session.regions[0]) || 'us-east-1'; }
export function setRegion(value) {
  region = value;
  sessionStorage.setItem('perimeter.region', value);
}

async function readJson(response) {
  const text = await response.text();
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch { body = {message: text}; }
  if (!response.ok) {
    const code = response.headers.get('x-amzn-ErrorType') || body.__type || String(response.status);
    throw new ApiError(response.status, code.split(':')[0],
        body.message || body.Message || response.statusText);
  }
  return body;
}

export async function loadSession() {
  const response = await fetch('/console/session', {credentials: 'same-origin'});
  session = response.ok ? await response.json() : null;
  if (session) {
    const saved = sessionStorage.getItem('perimeter.region');
    region = session.regions.includes(saved) ? saved : session.regions[0];
  }
  return session;
}

export async function signIn(accessKeyId, secretAccessKey) {
  const response = await fetch('/console/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({accessKeyId, secretAccessKey}),
  });
  session = await readJson(response);
  region = session.regions[0];
  return session;
}

export async function signOut() {
  const token = session ? session.csrfToken : '';
  session = null;
  await fetch('/console/session', {
    method: 'DELETE', credentials: 'same-origin', headers: {'X-Perimeter-Csrf': token}});
}

// Calls an Access Analyzer operation ("ListFindingsV2") or an Organizations one
// ("organizations/ListAccounts"). `options.region` overrides the selected region.
export async function call(operation, input = {}, options = {}) {
  if (!session) throw new ApiError(401, 'UnauthorizedException', 'Not signed in.');
  const response = await fetch(`/console/api/${operation}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/json',
      'X-Perimeter-Csrf': session.csrfToken,
      'X-Perimeter-Region': options.region || currentRegion(),
    },
    body: JSON.stringify(input),
  });
  if (response.status === 401) {
    session = null;
    location.hash = '#/signin';
  }
  if (options.raw) {
    if (!response.ok) await readJson(response);
    return response;
  }
  return readJson(response);
}

export function analyzerArn(name, inRegion) {
  return `arn:aws:access-analyzer:${inRegion || currentRegion()}:${session.accountId}:analyzer/${name}`;
}

// The analyzer the findings pages show by default: an ACTIVE external-access one of the region,
// ORGANIZATION first.
export async function defaultAnalyzer(inRegion) {
  const listed = await call('ListAnalyzers', {}, {region: inRegion});
  const order = {ORGANIZATION: 0, ACCOUNT: 1};
  const candidates = (listed.analyzers || [])
      .filter((a) => a.type in order)
      .sort((a, b) => order[a.type] - order[b.type] || (a.status === 'ACTIVE' ? -1 : 1));
  return candidates.length ? candidates[0].name : null;
}
