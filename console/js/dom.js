// DOM building without HTML parsing: every text (policies, tags, names: attacker-controlled) goes
// in as a text node, never through innerHTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(element, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      element.setAttribute('class', value);
    } else if (name === 'value' && 'value' in element) {
      element.value = value;
    } else if (name === 'checked' || name === 'selected' || name === 'disabled') {
      element[name] = Boolean(value);
      if (value) element.setAttribute(name, '');
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// h('a', {href: '#/x', class: 'y'}, 'text', otherNode)
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  apply(element, props);
  append(element, children);
  return element;
}

export function svg(tag, props, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

export function status(message) {
  const box = document.getElementById('status');
  box.textContent = message;
}

export function errorBox(error) {
  return h('p', {class: 'error', role: 'alert'}, `${error.code || 'Error'}: ${error.message}`);
}

// A <label> with its control.
export function field(labelText, control) {
  if (!control.id) control.id = `f-${Math.random().toString(36).slice(2)}`;
  return h('div', {class: 'field'}, h('label', {for: control.id}, labelText), control);
}

export function select(options, selected, props) {
  return h('select', props || {},
      options.map(([value, text]) => h('option', {value, selected: value === selected}, text)));
}

export function formatTime(text) {
  if (!text) return '';
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? String(text) : date.toISOString().replace('.000Z', 'Z');
}
