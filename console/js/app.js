// The console's shell: session, navigation, hash routes (#/findings?analyzer=a&status=ACTIVE ...:
// a link holds the whole view, so it can be shared).
import * as api from './api.js';
import {clear, h, status} from './dom.js';
import {renderSignIn} from './pages/signin.js';
import {renderDashboard} from './pages/dashboard.js';
import {renderFindings} from './pages/findings.js';
import {renderFinding} from './pages/finding.js';
import {renderRules} from './pages/rules.js';
import {renderAnalyzers} from './pages/analyzers.js';
import {renderValidate} from './pages/validate.js';

const pages = {
  signin: renderSignIn,
  dashboard: renderDashboard,
  findings: renderFindings,
  finding: renderFinding,
  rules: renderRules,
  analyzers: renderAnalyzers,
  validate: renderValidate,
};

export function parseRoute(hash) {
  const text = hash.replace(/^#\/?/, '');
  const question = text.indexOf('?');
  const path = (question < 0 ? text : text.slice(0, question)).split('/').map(decodeURIComponent);
  const params = new URLSearchParams(question < 0 ? '' : text.slice(question + 1));
  return {page: path[0] || 'dashboard', args: path.slice(1), params};
}

export function routeHref(page, args = [], params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  }
  const path = [page, ...args.map(encodeURIComponent)].join('/');
  const text = query.toString();
  return `#/${path}${text ? `?${text}` : ''}`;
}

function renderShell() {
  const session = api.currentSession();
  const top = document.getElementById('top');
  top.hidden = !session;
  if (!session) return;
  const who = document.getElementById('who');
  who.textContent = `${session.accountName || ''} ${session.accountId}`.trim();
  who.title = session.principalArn;
  const regionSelect = document.getElementById('region-select');
  clear(regionSelect);
  for (const region of session.regions) {
    regionSelect.append(h('option', {value: region, selected: region === api.currentRegion()}, region));
  }
}

let rendering = 0;

async function render() {
  const route = parseRoute(location.hash);
  const main = document.getElementById('main');
  const mine = ++rendering;
  if (!api.currentSession() && route.page !== 'signin') {
    location.hash = '#/signin';
    return;
  }
  if (route.params.get('region') && api.currentSession() &&
      api.currentSession().regions.includes(route.params.get('region'))) {
    api.setRegion(route.params.get('region'));
  }
  renderShell();
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === route.page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const renderPage = pages[route.page] || renderDashboard;
  const view = h('div', {class: 'view', 'data-page': route.page});
  clear(main).append(view);
  status('');
  try {
    await renderPage(view, route);
  } catch (error) {
    if (mine === rendering) view.append(h('p', {class: 'error', role: 'alert'}, `${error.code || 'Error'}: ${error.message}`));
  }
  if (mine === rendering) {
    const heading = view.querySelector('h1');
    if (heading) heading.setAttribute('tabindex', '-1');
    document.title = `${heading ? heading.textContent : 'Perimeter'} · Perimeter console`;
    main.dataset.ready = route.page;
  }
}

async function start() {
  document.getElementById('sign-out').addEventListener('click', async () => {
    await api.signOut();
    location.hash = '#/signin';
  });
  document.getElementById('region-select').addEventListener('change', (event) => {
    api.setRegion(event.target.value);
    const route = parseRoute(location.hash);
    route.params.delete('analyzer');
    route.params.delete('token');
    route.params.set('region', event.target.value);
    location.hash = routeHref(route.page, route.args, Object.fromEntries(route.params));
  });
  window.addEventListener('hashchange', () => {
    render().then(() => {
      const heading = document.querySelector('#main h1');
      if (heading) heading.focus();
    });
  });
  await api.loadSession();
  if (!api.currentSession() && location.hash !== '#/signin') location.hash = '#/signin';
  else await render();
}

start();
