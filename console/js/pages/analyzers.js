// Analyzers: create and delete per region and type; the organization view (trusted access,
// delegated administrators, member accounts) for the management account and the administrator.
import * as api from '../api.js';
import {errorBox, field, h, select, status} from '../dom.js';

const TYPES = ['ACCOUNT', 'ORGANIZATION', 'ACCOUNT_UNUSED_ACCESS', 'ORGANIZATION_UNUSED_ACCESS'];

async function organizationView(session) {
  const section = h('section', {class: 'organization', 'data-testid': 'organization'}, h('h2', {}, 'Organization'));
  const tryCall = async (operation) => {
    try { return await api.call(`organizations/${operation}`); } catch (error) { return {error}; }
  };
  const [org, access, admins, accounts] = await Promise.all([
    tryCall('DescribeOrganization'), tryCall('ListAWSServiceAccessForOrganization'),
    tryCall('ListDelegatedAdministrators'), tryCall('ListAccounts')]);
  const management = session.organization && session.organization.managementAccount === session.accountId;
  section.append(h('p', {}, `${session.organization.id}, management account ${session.organization.managementAccount}`,
      management ? ' (you)' : ''));
  if (access.error) {
    section.append(h('p', {class: 'muted'}, `Trusted access: ${access.error.message}`));
  } else {
    const enabled = (access.EnabledServicePrincipals || []).some((p) => p.ServicePrincipal === 'access-analyzer.amazonaws.com');
    section.append(h('p', {}, `Trusted access for IAM Access Analyzer: ${enabled ? 'enabled' : 'disabled'} `,
        management ? h('button', {type: 'button', onclick: async () => {
          await api.call(`organizations/${enabled ? 'Disable' : 'Enable'}AWSServiceAccess`, {ServicePrincipal: 'access-analyzer.amazonaws.com'});
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        }}, enabled ? 'Disable' : 'Enable') : ''));
  }
  if (!admins.error) {
    section.append(h('p', {}, 'Delegated administrators: ',
        (admins.DelegatedAdministrators || []).map((a) => `${a.Name || ''} ${a.Id}`.trim()).join(', ') || 'none'));
  }
  if (!accounts.error) {
    section.append(h('table', {}, h('caption', {}, 'Member accounts'),
        h('thead', {}, h('tr', {}, ['Id', 'Name', 'Status'].map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, (accounts.Accounts || []).map((a) => h('tr', {}, h('td', {}, a.Id), h('td', {}, a.Name || ''), h('td', {}, a.Status || ''))))));
  }
  void org;
  return section;
}

export async function renderAnalyzers(view) {
  const session = api.currentSession();
  view.append(h('h1', {}, 'Analyzers'));
  const message = h('div');
  const name = h('input', {required: true, placeholder: 'org-analyzer', 'data-testid': 'analyzer-name'});
  const type = select(TYPES.map((t) => [t, t]), 'ACCOUNT');
  const region = select(session.regions.map((r) => [r, r]), api.currentRegion());
  view.append(h('form', {class: 'inline', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api.call('CreateAnalyzer', {analyzerName: name.value.trim(), type: type.value}, {region: region.value});
      status(`Analyzer ${name.value} created in ${region.value}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (error) { message.replaceChildren(errorBox(error)); }
  }}, h('h2', {}, 'Create an analyzer'), field('Name', name), field('Type', type), field('Region', region),
  h('button', {type: 'submit'}, 'Create')), message);
  for (const inRegion of session.regions) {
    let analyzers = [];
    try {
      analyzers = (await api.call('ListAnalyzers', {}, {region: inRegion})).analyzers || [];
    } catch (error) {
      view.append(errorBox(error));
      continue;
    }
    view.append(h('table', {}, h('caption', {}, `${inRegion}: ${analyzers.length} analyzer(s)`),
        h('thead', {}, h('tr', {}, ['Name', 'Type', 'Status', 'Created', 'Actions'].map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, analyzers.map((a) => h('tr', {},
            h('td', {}, a.name), h('td', {}, a.type),
            h('td', {}, a.status + (a.statusReason ? ` (${a.statusReason.code})` : '')), h('td', {}, a.createdAt || ''),
            h('td', {}, h('button', {type: 'button', onclick: async () => {
              if (!confirm(`Delete the analyzer ${a.name} in ${inRegion}? Its findings and archive rules go with it.`)) return;
              try {
                await api.call('DeleteAnalyzer', {analyzerName: a.name}, {region: inRegion});
                window.dispatchEvent(new HashChangeEvent('hashchange'));
              } catch (error) { message.replaceChildren(errorBox(error)); }
            }}, `Delete ${a.name}`)))))));
  }
  if (session.organization) view.append(await organizationView(session));
}
