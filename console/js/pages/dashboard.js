// Dashboard: active findings by resource type, by account, public vs external, over time; the
// analyzers of each region, and the regions without one (the compliance check's rule: an ACTIVE
// external access analyzer, ACCOUNT or ORGANIZATION, in every enabled region; docs/compliance.md).
import * as api from '../api.js';
import {routeHref} from '../app.js';
import {barChart, lineChart} from '../charts.js';
import {errorBox, h} from '../dom.js';

const ACCOUNT_BARS = 12;  // the accounts with most active findings that the account chart shows

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
  // Exact counts at any size, computed by the server's store (perimeter/GetFindingAggregates).
  try {
    const counts = await api.call('perimeter/GetFindingAggregates', {analyzerArn: arn});
    const perType = Object.entries(counts.activeByResourceType || {});
    const perAccount = Object.entries(counts.activeByAccount || {}).sort((a, b) => b[1] - a[1]);
    charts.append(barChart('Active findings by resource type',
        perType.map(([type, count]) => [type.replace(/^AWS::/, ''), count])));
    charts.append(barChart('Public vs external (active)', [
      ['Public', counts.activePublic || 0],
      ['Cross-account', counts.activeExternal || 0],
      ['Errors', counts.activeErrors || 0],
    ]));
    const accountChart = barChart(perAccount.length > ACCOUNT_BARS
      ? `Active findings by account (the ${ACCOUNT_BARS} with most of ${perAccount.length})`
      : 'Active findings by account', perAccount.slice(0, ACCOUNT_BARS));
    charts.append(accountChart);
    // Not resolved on each day: created up to that day minus resolved up to that day (resolved
    // findings are counted on their resolution day).
    let open = 0;
    const days = counts.byDay || [];
    charts.append(lineChart('Findings not resolved over time (created minus resolved, by day)',
        days.map((day) => [day.day, (open += day.created - day.resolved)])));
    charts.append(h('figure', {class: 'chart'}, h('figcaption', {}, 'Created and resolved per day (the last 7 days with either)'),
        h('table', {'data-testid': 'findings-by-day'},
            h('thead', {}, h('tr', {}, ['Day (UTC)', 'Created', 'Resolved'].map((t) => h('th', {scope: 'col'}, t)))),
            h('tbody', {}, days.slice(-7).map((day) => h('tr', {},
                h('td', {}, day.day), h('td', {}, String(day.created)), h('td', {}, String(day.resolved))))))));
    charts.dataset.totalActive = (counts.activePublic || 0) + (counts.activeExternal || 0) + (counts.activeErrors || 0);
    charts.dataset.accounts = perAccount.length;
  } catch (error) {
    charts.append(errorBox(error));
  }
  view.append(h('p', {}, h('a', {href: routeHref('findings', [], {analyzer, status: 'ACTIVE'})}, 'Open the active findings')));
}
