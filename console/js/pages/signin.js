import * as api from '../api.js';
import {field, h} from '../dom.js';

export async function renderSignIn(view) {
  const key = h('input', {name: 'accessKeyId', autocomplete: 'username', required: true, spellcheck: 'false'});
  const secret = h('input', {name: 'secretAccessKey', type: 'password', autocomplete: 'current-password', required: true});
  const message = h('p', {class: 'error', role: 'alert', hidden: true});
  const form = h('form', {class: 'signin', 'data-testid': 'signin-form',
    onsubmit: async (event) => {
      event.preventDefault();
      message.hidden = true;
      try {
        await api.signIn(key.value.trim(), secret.value);
        location.hash = '#/dashboard';
      } catch (error) {
        message.textContent = error.message;
        message.hidden = false;
      }
    }},
  field('Access key id', key), field('Secret access key', secret),
  h('button', {type: 'submit'}, 'Sign in'), message);
  view.append(h('h1', {}, 'Sign in to Perimeter'),
      h('p', {}, 'Use an access key pair the server knows (its [[credentials]]; with ',
          h('code', {}, 'perimeter serve --demo'), ', the key it prints). The console then sees exactly what the API shows that key.'),
      form);
  key.focus();
}
