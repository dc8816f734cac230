// Dashboard: active findings by resource type, by account, public vs external, over time; the
// analyzers of each region, and the regions without one (the compliance check's rule: an ACTIVE
// external access analyzer, ACCOUNT or ORGANIZATION, in every enabled region; docs/compliance.md).
import * as api from '../api.js';
import {routeHref} from '../app.js';
import {barChart, lineChart} from '../charts.js';
import {errorBox, h} from '../dom.js';

const SAMPLE_PAGES = 5;  // at most 5 x 1000 findings are read for the account and time charts

export async function renderDashboard(view, route) {
  const session = api.currentSession();
  view.append(h('h1', {}, 'Dashboard'));
  const byRegion = await Promise.all(session.regions.map(async (region) => {
    try {
      return [region, (await api.call('ListAnalyzers', {}, {region})).analyzers || [], null];
    } catch (error) {
      return [region, [], error];
    }
  }));
  const missing = byRegion.filter(([, analyzers, error]) => !error &&
      !analyzers.some((a) => a.status === 'ACTIVE' && (a.type === 'ACCOUNT' || a.type === 'ORGANIZATION')));
  const regionTable = h('table', {'data-testid': 'analyzers-by-region'},
      h('caption', {}, 'Analyzers per region'),
      h('thead', {}, h('tr', {}, ['Region', 'Analyzers', 'External access covered'].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, byRegion.map(([region, analyzers, error]) => h('tr', {},
          h('td', {}, region),
          h('td', {}, error ? `error: ${error.message}` : analyzers.map((a) => `${a.name} (${a.type}, ${a.status})`).join('; ') || 'none'),
          h('td', {}, missing.some(([r]) => r === region) ? h('strong', {class: 'bad'}, 'No') : 'Yes')))));
  view.append(h('section', {class: 'cards'},
      h('div', {class: 'card'}, h('h2', {}, 'Regions without an analyzer'),
          missing.length ? h('ul', {'data-testid': 'regions-missing'}, missing.map(([r]) => h('li', {}, r)))
            : h('p', {'data-testid': 'regions-missing'}, 'None: every enabled region has an active external access analyzer.'),
          h('p', {class: 'muted'}, 'CIS AWS Foundations 1.20 / Security Hub IAM.28, as ',
              h('code', {}, 'perimeter compliance analyzers-enabled'), ' checks it, from this account\'s view.')),
      h('div', {class: 'card'}, regionTable)));

  const region = api.currentRegion();
  const analyzer = route.params.get('analyzer') || await api.defaultAnalyzer(region);
  if (!analyzer) {
    view.append(h('p', {}, `No external access analyzer in ${region}. `,
        h('a', {href: '#/analyzers'}, 'Create one')));
    return;
  }
  const arn = api.analyzerArn(analyzer);
  view.append(h('h2', {}, `Findings of ${analyzer} (${region})`));
  const charts = h('section', {class: 'charts'});
  view.append(charts);
  try {
    const stats = await api.call('GetFindingsStatistics', {analyzerArn: arn});
    const external = stats.findingsStatistics?.[0]?.externalAccessFindingsStatistics || stats.externalAccessFindingsStatistics || {};
    // Per type: totalActivePublic, totalActiveCrossAccount, totalActiveErrors (AWS's
    // ResourceTypeDetails); the active findings of a type are their sum.
    const perType = Object.entries(external.resourceTypeStatistics || {});
    const sum = (key) => perType.reduce((total, [, s]) => total + (s[key] || 0), 0);
    charts.append(barChart('Active findings by resource type',
        perType.map(([type, s]) => [type.replace(/^AWS::/, ''),
          (s.totalActivePublic || 0) + (s.totalActiveCrossAccount || 0) + (s.totalActiveErrors || 0)])));
    charts.append(barChart('Public vs external (active)', [
      ['Public', sum('totalActivePublic')],
      ['Cross-account', sum('totalActiveCrossAccount')],
      ['Errors', sum('totalActiveErrors')],
    ]));
    charts.dataset.totalActive = external.totalActiveFindings || 0;
  } catch (error) {
    charts.append(errorBox(error));
  }
  // By account and over time: from the active findings (the first SAMPLE_PAGES pages).
  let findings = [];
  let token;
  let truncated = false;
  for (let page = 0; page < SAMPLE_PAGES; ++page) {
    const listed = await api.call('ListFindingsV2', {analyzerArn: arn, maxResults: 1000,
      filter: {status: {eq: ['ACTIVE']}}, ...(token ? {nextToken: token} : {})});
    findings = findings.concat(listed.findings || []);
    token = listed.nextToken;
    if (!token) break;
    if (page === SAMPLE_PAGES - 1) truncated = true;
  }
  const perAccount = new Map();
  const perDay = new Map();
  for (const finding of findings) {
    perAccount.set(finding.resourceOwnerAccount, (perAccount.get(finding.resourceOwnerAccount) || 0) + 1);
    const day = String(finding.createdAt || '').slice(0, 10);
    perDay.set(day, (perDay.get(day) || 0) + 1);
  }
  const days = [...perDay.keys()].sort();
  let running = 0;
  charts.append(barChart('Active findings by account', [...perAccount.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)));
  charts.append(lineChart('Active findings over time (by creation day, cumulative)',
      days.map((day) => [day, (running += perDay.get(day))])));
  if (truncated) {
    view.append(h('p', {class: 'muted'}, `The account and time charts count the first ${findings.length} active findings; `,
        h('a', {href: routeHref('findings', [], {analyzer, status: 'ACTIVE'})}, 'the findings page'), ' lists all.'));
  }
  view.append(h('p', {}, h('a', {href: routeHref('findings', [], {analyzer, status: 'ACTIVE'})}, 'Open the active findings')));
}
