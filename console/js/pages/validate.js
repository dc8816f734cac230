// Policy validation: paste a policy, see ValidatePolicy's findings at their line.
import * as api from '../api.js';
import {errorBox, field, h, select} from '../dom.js';

const TYPES = ['IDENTITY_POLICY', 'RESOURCE_POLICY', 'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

export async function renderValidate(view) {
  view.append(h('h1', {}, 'Policy validation'));
  const text = h('textarea', {rows: 16, cols: 80, spellcheck: 'false', 'data-testid': 'policy-input'},
      '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]\n}');
  const type = select(TYPES.map((t) => [t, t]), 'IDENTITY_POLICY');
  const results = h('section', {'data-testid': 'validation-results', 'aria-live': 'polite'});
  view.append(h('form', {onsubmit: async (event) => {
    event.preventDefault();
    results.replaceChildren(h('p', {}, 'Validating…'));
    try {
      let findings = [];
      let token;
      do {
        const page = await api.call('ValidatePolicy', {policyDocument: text.value, policyType: type.value, ...(token ? {nextToken: token} : {})});
        findings = findings.concat(page.findings || []);
        token = page.nextToken;
      } while (token);
      const atLine = new Map();
      for (const finding of findings) {
        for (const location of finding.locations || []) {
          const line = location.span?.start?.line;
          if (line) atLine.set(line, [...(atLine.get(line) || []), finding]);
        }
      }
      const lines = text.value.split('\n');
      results.replaceChildren(h('h2', {}, `${findings.length} finding(s)`),
          h('ol', {class: 'validation'}, findings.map((f) => h('li', {class: `finding-${(f.findingType || '').toLowerCase()}`},
              h('strong', {}, `${f.findingType} ${f.issueCode}`), ` ${f.findingDetails} `,
              (f.locations || []).map((l) => l.span ? `(line ${l.span.start.line}, column ${l.span.start.column}) ` : ''),
              /^https:\/\//.test(f.learnMoreLink || '') ? h('a', {href: f.learnMoreLink, rel: 'noreferrer noopener', target: '_blank'}, 'Learn more') : ''))),
          h('div', {class: 'source', role: 'table', 'aria-label': 'The policy with its findings'},
              lines.map((line, i) => h('div', {class: atLine.has(i + 1) ? 'line marked' : 'line', role: 'row'},
                  h('span', {class: 'number', role: 'cell'}, String(i + 1)),
                  h('code', {role: 'cell'}, line),
                  h('span', {class: 'notes', role: 'cell'}, (atLine.get(i + 1) || []).map((f) => `${f.findingType}: ${f.issueCode}`).join('; '))))));
    } catch (error) {
      results.replaceChildren(errorBox(error));
    }
  }}, field('Policy document', text), field('Policy type', type), h('button', {type: 'submit'}, 'Validate')), results);
}
