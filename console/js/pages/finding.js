// One finding: every field, its status history, the resource's policy with the granting statement
// highlighted, the witness request and the explanation; archive / unarchive; an archive rule
// prefilled from it.
import * as api from '../api.js';
import {routeHref} from '../app.js';
import {errorBox, formatTime, h, status} from '../dom.js';

function definitionList(entries) {
  return h('dl', {class: 'fields'}, entries.filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// The policies in the resource's imported configuration: string members that hold a policy
// document (bucketPolicy, trustPolicy, queuePolicy, ...), found at any depth.
function policiesOf(configuration, path = [], out = []) {
  if (typeof configuration === 'string') {
    try {
      const parsed = JSON.parse(configuration);
      if (parsed && typeof parsed === 'object' && 'Statement' in parsed) out.push([path.join('.'), parsed]);
    } catch { /* not a policy */ }
  } else if (configuration && typeof configuration === 'object') {
    for (const [key, value] of Object.entries(configuration)) policiesOf(value, [...path, key], out);
  }
  return out;
}

// The policy as indented JSON, each statement its own block; `highlight`: statement indexes.
function policyView(name, policy, highlight) {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const head = {...policy};
  delete head.Statement;
  const blocks = statements.map((statement, index) => h('pre', {
    class: highlight.has(index) ? 'statement granting' : 'statement',
    'data-statement-index': index,
    'aria-label': highlight.has(index) ? `Statement ${index}, grants the access` : `Statement ${index}`,
  }, JSON.stringify(statement, null, 2)));
  return h('figure', {class: 'policy', 'data-testid': 'policy'},
      h('figcaption', {}, `${name}${highlight.size ? ' (granting statement highlighted)' : ''}`),
      h('pre', {class: 'policy-head'}, JSON.stringify(head, null, 2).replace(/\n}$/, ',\n  "Statement": [')),
      blocks, h('pre', {class: 'policy-head'}, ']}'));
}

// What made a status change, in words (perimeter/GetFindingHistory's cause and detail).
function causeText(change) {
  switch (change.cause) {
    case 'ANALYSIS':
      if (!change.previousStatus) return 'Created by the analysis';
      return change.status === 'RESOLVED' ? 'Resolved by the analysis: the access is gone'
        : change.status === 'ACTIVE' ? 'Active again: the analysis found the access again' : 'By the analysis';
    case 'UPDATE_FINDINGS':
      return `${change.status === 'ARCHIVED' ? 'Archived' : 'Unarchived'} by ${change.detail || 'a user'}`;
    case 'ARCHIVE_RULE':
      return `${change.previousStatus ? 'Archived' : 'Created archived'} by the archive rule ${change.detail || ''}`;
    case 'BEFORE_HISTORY':
      return 'Status when the history began (earlier changes were not recorded)';
    default:
      return change.cause;
  }
}

// The status history, oldest first, as a table.
function historyView(history) {
  const rows = history.history || [];
  return h('section', {class: 'history'}, h('h2', {}, 'Status history'),
      rows.length ? h('table', {'data-testid': 'status-history'},
          h('caption', {class: 'muted'}, `Every status change, oldest first (the last ${history.limit} are kept)`),
          h('thead', {}, h('tr', {}, ['Time', 'Status', 'Cause'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, rows.map((change) => h('tr', {},
              h('td', {}, formatTime(change.at)),
              h('td', {}, change.previousStatus ? `${change.previousStatus} → ${change.status}` : change.status),
              h('td', {}, causeText(change))))))
        : h('p', {class: 'muted', 'data-testid': 'status-history'}, 'No status change recorded.'));
}

export async function renderFinding(view, route) {
  const id = route.args[0];
  const analyzer = route.params.get('analyzer') || await api.defaultAnalyzer();
  const arn = api.analyzerArn(analyzer);
  view.append(h('h1', {}, 'Finding'));
  let details;
  let history;
  try {
    [details, history] = await Promise.all([
      api.call('perimeter/GetFindingDetails', {analyzerArn: arn, id}),
      api.call('perimeter/GetFindingHistory', {analyzerArn: arn, id}).catch((error) => ({error}))]);
  } catch (error) {
    view.append(errorBox(error), h('p', {}, h('a', {href: routeHref('findings', [], {analyzer})}, 'Back to the findings')));
    return;
  }
  const finding = details.finding.finding || details.finding;
  const extras = details.perimeter || {};
  const access = (finding.findingDetails || []).map((d) => d.externalAccessDetails).filter(Boolean);
  const first = access[0] || {};
  const setStatus = async (newStatus) => {
    try {
      await api.call('UpdateFindings', {analyzerArn: arn, status: newStatus, ids: [id]});
      status(newStatus === 'ARCHIVED' ? 'Finding archived' : 'Finding made active');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (error) {
      view.append(errorBox(error));
    }
  };
  const actions = h('div', {class: 'actions'},
      finding.status === 'ACTIVE'
        ? h('button', {type: 'button', 'data-testid': 'archive', onclick: () => setStatus('ARCHIVED')}, 'Archive')
        : finding.status === 'ARCHIVED'
          ? h('button', {type: 'button', 'data-testid': 'unarchive', onclick: () => setStatus('ACTIVE')}, 'Unarchive') : '',
      h('a', {class: 'button', 'data-testid': 'rule-from-finding',
        href: routeHref('rules', ['new'], {analyzer, from: id})}, 'Create an archive rule from this finding'),
      h('a', {href: routeHref('findings', [], {analyzer})}, 'Back to the findings'));
  view.append(h('p', {class: 'resource', 'data-testid': 'finding-resource'}, finding.resource), actions,
      definitionList([
        ['Id', finding.id], ['Status', h('span', {'data-testid': 'finding-status'}, finding.status)],
        ['Resource type', finding.resourceType], ['Owner account', finding.resourceOwnerAccount],
        ['Finding type', finding.findingType], ['Error', finding.error],
        ['Created', formatTime(finding.createdAt)], ['Analyzed', formatTime(finding.analyzedAt)],
        ['Updated (status)', formatTime(finding.updatedAt)],
      ]));
  view.append(history.error ? errorBox(history.error) : historyView(history));
  access.forEach((detail, index) => {
    view.append(h('section', {class: 'access'}, h('h2', {}, access.length > 1 ? `Access ${index + 1}` : 'Access'),
        definitionList([
          ['Principal', Object.entries(detail.principal || {}).map(([k, v]) => `${k}: ${v}`).join(', ')],
          ['Public', detail.isPublic ? 'Yes' : 'No'],
          ['Actions', (detail.action || []).join(', ')],
          ['Conditions', Object.entries(detail.condition || {}).map(([k, v]) => `${k} = ${v}`).join('; ') || 'none'],
          ['Sources', (detail.sources || []).map((s) => s.type + (s.detail?.accessPointArn ? ` ${s.detail.accessPointArn}` : '')).join(', ') || 'policy'],
        ])));
  });
  if (extras.witness) {
    const w = extras.witness;
    view.append(h('section', {}, h('h2', {}, 'Witness request'),
        h('p', {class: 'muted'}, 'A request the policies allow, found by the reasoning engine: proof that the access exists.'),
        definitionList([['Principal', `${w.principal} (${w.principalType})`], ['Action', w.action], ['Resource', w.resource],
          ['Context', Object.entries(w.context || {}).map(([k, v]) => `${k} = ${[].concat(v).join(', ')}`).join('; ') || 'none']])));
  }
  const granting = new Set();
  if (extras.explanation) {
    view.append(h('section', {}, h('h2', {}, 'Explanation'),
        h('ul', {}, extras.explanation.map((ref) => {
          granting.add(ref.statementIndex);
          return h('li', {}, `Statement ${ref.statementIndex}${ref.statementId ? ` (Sid ${ref.statementId})` : ''} of the ${ref.policy} policy, line ${ref.line}, column ${ref.column}, allows it.`);
        }))));
  }
  if (extras.explained === false) {
    view.append(h('p', {class: 'muted'}, 'No witness or explanation: the resource changed since this finding was made (the next analysis updates it).'));
  }
  const policies = policiesOf(extras.configuration || {});
  if (policies.length) {
    view.append(h('h2', {}, 'Policy'));
    policies.forEach(([name, policy], index) => view.append(policyView(name, policy, index === 0 ? granting : new Set())));
  }
  void first;
}
