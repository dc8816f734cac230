// Findings: AWS's filters, sorting, keyset paging (nextToken: each page is one indexed query,
// however many findings there are), bulk archive and unarchive. The whole view is in the URL.
import * as api from '../api.js';
import {routeHref} from '../app.js';
import {errorBox, field, formatTime, h, select, status} from '../dom.js';

const PAGE_SIZE = 50;
export const RESOURCE_TYPES = [
  'AWS::S3::Bucket', 'AWS::S3::AccessPoint', 'AWS::S3Express::DirectoryBucket', 'AWS::IAM::Role',
  'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::Lambda::Function',
  'AWS::Lambda::LayerVersion', 'AWS::SecretsManager::Secret', 'AWS::EFS::FileSystem',
  'AWS::EC2::Snapshot', 'AWS::ECR::Repository', 'AWS::RDS::DBSnapshot',
  'AWS::RDS::DBClusterSnapshot', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::Stream',
];
const FILTER_PARAMS = ['status', 'resourceType', 'account', 'isPublic', 'principal', 'action', 'condition', 'resource'];

// The ListFindings filter (FilterCriteriaMap) a view's parameters stand for.
export function filterOf(params) {
  const filter = {};
  const get = (name) => (params.get(name) || '').trim();
  if (get('status')) filter.status = {eq: [get('status')]};
  if (get('resourceType')) filter.resourceType = {eq: [get('resourceType')]};
  if (get('account')) filter.resourceOwnerAccount = {eq: get('account').split(/[\s,]+/).filter(Boolean)};
  if (get('isPublic')) filter.isPublic = {eq: [get('isPublic')]};
  if (get('principal')) filter['principal.AWS'] = {contains: [get('principal')]};
  if (get('action')) filter.action = {eq: [get('action')]};
  if (get('condition')) filter[`condition.${get('condition')}`] = {exists: true};
  if (get('resource')) filter.resource = {contains: [get('resource')]};
  return filter;
}

function paramsObject(params, changes) {
  const out = Object.fromEntries(params);
  Object.assign(out, changes);
  return out;
}

export async function renderFindings(view, route) {
  const params = route.params;
  const region = api.currentRegion();
  const analyzer = params.get('analyzer') || await api.defaultAnalyzer(region);
  view.append(h('h1', {}, 'Findings'));
  if (!analyzer) {
    view.append(h('p', {}, `No external access analyzer in ${region}. `, h('a', {href: '#/analyzers'}, 'Create one')));
    return;
  }
  const arn = api.analyzerArn(analyzer);
  const sortBy = params.get('sort') || 'updatedAt';
  const order = params.get('order') || 'DESC';
  const go = (changes) => {
    location.hash = routeHref('findings', [], paramsObject(params, {analyzer, token: '', ...changes}));
  };

  // Filters.
  const controls = {
    status: select([['', 'Any'], ['ACTIVE', 'Active'], ['ARCHIVED', 'Archived'], ['RESOLVED', 'Resolved']], params.get('status') || ''),
    resourceType: select([['', 'Any'], ...RESOURCE_TYPES.map((t) => [t, t])], params.get('resourceType') || ''),
    account: h('input', {value: params.get('account') || '', placeholder: '111122223333', inputmode: 'numeric'}),
    isPublic: select([['', 'Any'], ['true', 'Public'], ['false', 'Not public']], params.get('isPublic') || ''),
    principal: h('input', {value: params.get('principal') || '', placeholder: 'arn:aws:iam::… or 999988887777'}),
    action: h('input', {value: params.get('action') || '', placeholder: 's3:GetObject'}),
    condition: h('input', {value: params.get('condition') || '', placeholder: 'aws:SourceVpc'}),
    resource: h('input', {value: params.get('resource') || '', placeholder: 'part of an ARN'}),
  };
  const labels = {status: 'Status', resourceType: 'Resource type', account: 'Owner account', isPublic: 'Public',
    principal: 'Principal contains', action: 'Action', condition: 'Has condition key', resource: 'Resource contains'};
  const form = h('form', {class: 'filters', 'data-testid': 'filters', onsubmit: (event) => {
    event.preventDefault();
    const changes = {};
    for (const name of FILTER_PARAMS) changes[name] = controls[name].value.trim();
    go(changes);
  }}, FILTER_PARAMS.map((name) => field(labels[name], controls[name])),
  h('div', {class: 'filter-buttons'}, h('button', {type: 'submit'}, 'Apply filters'),
      h('button', {type: 'button', onclick: () => go(Object.fromEntries(FILTER_PARAMS.map((n) => [n, ''])))}, 'Clear')));
  view.append(h('p', {class: 'muted'}, `Analyzer ${analyzer} in ${region}`), form);

  const filter = filterOf(params);
  const input = {analyzerArn: arn, maxResults: PAGE_SIZE, filter, sort: {attributeName: sortBy, orderBy: order}};
  if (params.get('token')) input.nextToken = params.get('token');
  let listed;
  try {
    listed = await api.call('ListFindings', input);
  } catch (error) {
    view.append(errorBox(error));
    return;
  }

  // Render the page (timed: the browser test reads data-render-ms).
  const started = performance.now();
  const selected = new Set();
  const bulk = h('div', {class: 'bulk'});
  const archive = h('button', {type: 'button', disabled: true, 'data-testid': 'bulk-archive'}, 'Archive selected');
  const unarchive = h('button', {type: 'button', disabled: true, 'data-testid': 'bulk-unarchive'}, 'Unarchive selected');
  const updateButtons = () => {
    archive.disabled = unarchive.disabled = selected.size === 0;
    archive.textContent = `Archive selected (${selected.size})`;
    unarchive.textContent = `Unarchive selected (${selected.size})`;
  };
  const update = async (newStatus) => {
    try {
      await api.call('UpdateFindings', {analyzerArn: arn, status: newStatus, ids: [...selected]});
      status(`${selected.size} finding(s) ${newStatus === 'ARCHIVED' ? 'archived' : 'made active'}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (error) {
      view.append(errorBox(error));
    }
  };
  archive.addEventListener('click', () => update('ARCHIVED'));
  unarchive.addEventListener('click', () => update('ACTIVE'));
  bulk.append(archive, unarchive);

  const header = (attribute, text) => {
    const active = sortBy === attribute;
    const next = active && order === 'ASC' ? 'DESC' : 'ASC';
    return h('th', {scope: 'col', 'aria-sort': active ? (order === 'ASC' ? 'ascending' : 'descending') : 'none'},
        h('button', {type: 'button', class: 'sort', onclick: () => go({sort: attribute, order: next})},
            text, active ? (order === 'ASC' ? ' ▲' : ' ▼') : ''));
  };
  const all = h('input', {type: 'checkbox', 'aria-label': 'Select every finding of this page'});
  const rows = (listed.findings || []).map((finding) => {
    const box = h('input', {type: 'checkbox', 'aria-label': `Select ${finding.resource}`, 'data-id': finding.id});
    box.addEventListener('change', () => {
      if (box.checked) selected.add(finding.id); else selected.delete(finding.id);
      updateButtons();
    });
    const principal = Object.entries(finding.principal || {}).map(([k, v]) => `${k}: ${v}`).join(', ');
    return h('tr', {},
        h('td', {}, box),
        h('td', {}, h('a', {href: routeHref('finding', [finding.id], {analyzer, region})}, finding.resource || finding.id)),
        h('td', {}, finding.resourceType),
        h('td', {}, finding.resourceOwnerAccount),
        h('td', {}, finding.error ? `error: ${finding.error}` : principal),
        h('td', {}, (finding.action || []).join(', ')),
        h('td', {}, finding.isPublic ? 'Public' : ''),
        h('td', {}, finding.status),
        h('td', {}, formatTime(finding.updatedAt)));
  });
  all.addEventListener('change', () => {
    for (const box of tbody.querySelectorAll('input[type=checkbox]')) {
      box.checked = all.checked;
      if (all.checked) selected.add(box.dataset.id); else selected.delete(box.dataset.id);
    }
    updateButtons();
  });
  const tbody = h('tbody', {}, rows);
  const table = h('table', {class: 'findings', 'data-testid': 'findings-table'},
      h('caption', {}, `${rows.length} finding(s) on this page`),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, all), header('resource', 'Resource'),
          header('resourceType', 'Type'), header('resourceOwnerAccount', 'Owner account'),
          h('th', {scope: 'col'}, 'Principal'), h('th', {scope: 'col'}, 'Actions'),
          header('isPublic', 'Public'), header('status', 'Status'), header('updatedAt', 'Updated'))),
      tbody);
  const pager = h('nav', {class: 'pager', 'aria-label': 'Pages'},
      params.get('token') ? h('button', {type: 'button', onclick: () => history.back()}, 'Previous page') : '',
      listed.nextToken ? h('a', {href: routeHref('findings', [], paramsObject(params, {analyzer, token: listed.nextToken})),
        'data-testid': 'next-page'}, 'Next page') : '');
  view.append(bulk, table, pager);
  void table.offsetHeight;  // layout included in the figure
  const elapsed = performance.now() - started;
  table.dataset.renderMs = elapsed.toFixed(1);
  updateButtons();
}
