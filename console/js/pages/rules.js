// Archive rules: list, create, edit, delete, apply retroactively, and a preview of what a rule
// would archive (ListFindings with the rule's filter and status ACTIVE) before it is saved.
import * as api from '../api.js';
import {routeHref} from '../app.js';
import {errorBox, field, h, select, status} from '../dom.js';

const OPERATORS = [['eq', 'equals'], ['neq', 'not equals'], ['contains', 'contains'], ['exists', 'exists']];

// A filter editor: one row per (key, operator, values).
function filterEditor(filter) {
  const rows = h('div', {class: 'criteria', 'data-testid': 'criteria'});
  const addRow = (key = '', operator = 'eq', values = '') => {
    const keyInput = h('input', {value: key, class: 'criterion-key', placeholder: 'resourceType'});
    const operatorSelect = select(OPERATORS, operator, {class: 'criterion-operator'});
    const valuesInput = h('input', {value: values, class: 'criterion-values', placeholder: 'value, value'});
    const row = h('div', {class: 'criterion'}, field('Key', keyInput), field('Operator', operatorSelect),
        field('Values (comma-separated; exists: true or false)', valuesInput),
        h('button', {type: 'button', onclick: () => row.remove()}, 'Remove'));
    rows.append(row);
  };
  for (const [key, criterion] of Object.entries(filter || {})) {
    for (const [operator, value] of Object.entries(criterion)) {
      addRow(key, operator, Array.isArray(value) ? value.join(', ') : String(value));
    }
  }
  if (!rows.childElementCount) addRow();
  const read = () => {
    const out = {};
    for (const row of rows.querySelectorAll('.criterion')) {
      const key = row.querySelector('.criterion-key').value.trim();
      const operator = row.querySelector('.criterion-operator').value;
      const values = row.querySelector('.criterion-values').value;
      if (!key) continue;
      out[key] = out[key] || {};
      out[key][operator] = operator === 'exists' ? values.trim() !== 'false'
        : values.split(',').map((v) => v.trim()).filter(Boolean);
    }
    return out;
  };
  return {element: h('div', {}, rows, h('button', {type: 'button', onclick: () => addRow()}, 'Add a criterion')), read};
}

// The archive rule AWS's console proposes from a finding: its resource, owner, principals and
// public flag.
function filterFromFinding(finding) {
  const filter = {resourceType: {eq: [finding.resourceType]}, resource: {eq: [finding.resource]}};
  for (const [type, value] of Object.entries(finding.principal || {})) filter[`principal.${type}`] = {eq: [value]};
  if (finding.isPublic !== undefined) filter.isPublic = {eq: [String(finding.isPublic)]};
  return filter;
}

async function renderEditor(view, route, analyzer, arn) {
  const name = route.args[1];
  const editing = route.args[0] === 'edit';
  let filter = {};
  if (editing) {
    filter = (await api.call('GetArchiveRule', {analyzerName: analyzer, ruleName: name})).archiveRule.filter;
  } else if (route.params.get('from')) {
    const got = await api.call('GetFinding', {analyzerArn: arn, id: route.params.get('from')});
    filter = filterFromFinding(got.finding);
  }
  view.append(h('h1', {}, editing ? `Edit archive rule ${name}` : 'Create an archive rule'));
  const nameInput = h('input', {value: name || (route.params.get('from') ? `from-${route.params.get('from').slice(0, 8)}` : ''),
    disabled: editing, required: true, pattern: '[A-Za-z][A-Za-z0-9_.\\-]{0,254}', 'data-testid': 'rule-name'});
  const editor = filterEditor(filter);
  const preview = h('section', {class: 'preview', 'data-testid': 'preview', 'aria-live': 'polite'});
  const message = h('div');
  const runPreview = async () => {
    preview.replaceChildren(h('p', {}, 'Loading…'));
    try {
      const listed = await api.call('ListFindings', {analyzerArn: arn, maxResults: 50,
        filter: {...editor.read(), status: {eq: ['ACTIVE']}}});
      const count = (listed.findings || []).length;
      preview.replaceChildren(h('h2', {}, 'Preview'),
          h('p', {'data-testid': 'preview-count'}, `${count}${listed.nextToken ? '+' : ''} active finding(s) would be archived`),
          h('ul', {}, (listed.findings || []).map((f) => h('li', {}, `${f.resource} (${f.resourceType})`))));
    } catch (error) {
      preview.replaceChildren(errorBox(error));
    }
  };
  const save = async (applyAfter) => {
    message.replaceChildren();
    try {
      const input = {analyzerName: analyzer, ruleName: nameInput.value.trim(), filter: editor.read()};
      await api.call(editing ? 'UpdateArchiveRule' : 'CreateArchiveRule', input);
      if (applyAfter) await api.call('ApplyArchiveRule', {analyzerArn: arn, ruleName: input.ruleName});
      status(`Archive rule ${input.ruleName} saved${applyAfter ? ' and applied' : ''}`);
      location.hash = routeHref('rules', [], {analyzer});
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  view.append(h('form', {class: 'rule', onsubmit: (event) => { event.preventDefault(); save(false); }},
      field('Rule name', nameInput), h('h2', {}, 'Filter'), editor.element,
      h('div', {class: 'actions'},
          h('button', {type: 'button', 'data-testid': 'preview-button', onclick: runPreview}, 'Preview'),
          h('button', {type: 'submit', 'data-testid': 'save-rule'}, 'Save'),
          h('button', {type: 'button', 'data-testid': 'save-apply-rule', onclick: () => save(true)}, 'Save and apply to existing findings'),
          h('a', {href: routeHref('rules', [], {analyzer})}, 'Cancel')),
      message), preview);
}

export async function renderRules(view, route) {
  const analyzer = route.params.get('analyzer') || await api.defaultAnalyzer();
  if (!analyzer) {
    view.append(h('h1', {}, 'Archive rules'), h('p', {}, 'No analyzer in this region. ', h('a', {href: '#/analyzers'}, 'Create one')));
    return;
  }
  const arn = api.analyzerArn(analyzer);
  if (route.args[0] === 'new' || route.args[0] === 'edit') return renderEditor(view, route, analyzer, arn);
  view.append(h('h1', {}, 'Archive rules'), h('p', {class: 'muted'}, `Analyzer ${analyzer} in ${api.currentRegion()}`),
      h('p', {}, h('a', {class: 'button', href: routeHref('rules', ['new'], {analyzer})}, 'Create an archive rule')));
  const listed = await api.call('ListArchiveRules', {analyzerName: analyzer});
  const rules = listed.archiveRules || [];
  const message = h('div');
  view.append(message, h('table', {'data-testid': 'rules-table'}, h('caption', {}, `${rules.length} rule(s)`),
      h('thead', {}, h('tr', {}, ['Name', 'Filter', 'Updated', 'Actions'].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, rules.map((rule) => h('tr', {},
          h('td', {}, rule.ruleName),
          h('td', {}, h('code', {}, JSON.stringify(rule.filter))),
          h('td', {}, rule.updatedAt || ''),
          h('td', {class: 'actions'},
              h('a', {href: routeHref('rules', ['edit', rule.ruleName], {analyzer})}, 'Edit'),
              h('button', {type: 'button', onclick: async () => {
                try {
                  await api.call('ApplyArchiveRule', {analyzerArn: arn, ruleName: rule.ruleName});
                  status(`Archive rule ${rule.ruleName} applied to the existing findings`);
                } catch (error) { message.replaceChildren(errorBox(error)); }
              }}, 'Apply'),
              h('button', {type: 'button', onclick: async () => {
                if (!confirm(`Delete the archive rule ${rule.ruleName}?`)) return;
                try {
                  await api.call('DeleteArchiveRule', {analyzerName: analyzer, ruleName: rule.ruleName});
                  window.dispatchEvent(new HashChangeEvent('hashchange'));
                } catch (error) { message.replaceChildren(errorBox(error)); }
              }}, 'Delete')))))));
}
