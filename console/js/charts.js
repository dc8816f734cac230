// Hand-written SVG charts: a horizontal bar chart and a line chart over days. Each is an image
// with a text alternative (its title and a data table for screen readers).
import {h, svg} from './dom.js';

const COLORS = ['#1f5fa8', '#b4462b', '#2f7d4a', '#7a4fa0', '#a0701c', '#2b7c86'];

export function barChart(title, entries) {
  const width = 360;
  const row = 22;
  const labelWidth = 150;
  const max = Math.max(1, ...entries.map(([, value]) => value));
  const height = Math.max(row, entries.length * row) + 4;
  const image = svg('svg', {viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `${title}: ${entries.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`},
  svg('title', {}, title),
  entries.map(([label, value], i) => {
    const barWidth = Math.round(((width - labelWidth - 40) * value) / max);
    const y = i * row + 2;
    return svg('g', {},
        svg('text', {x: 0, y: y + 15, class: 'chart-label'}, label.length > 24 ? `${label.slice(0, 23)}…` : label),
        svg('rect', {x: labelWidth, y: y + 3, width: Math.max(1, barWidth), height: row - 8,
          fill: COLORS[i % COLORS.length]}),
        svg('text', {x: labelWidth + barWidth + 4, y: y + 15, class: 'chart-value'}, value));
  }));
  return h('figure', {class: 'chart'}, h('figcaption', {}, title),
      entries.length ? image : h('p', {class: 'muted'}, 'None'));
}

// `points`: [[label, value], ...] in order.
export function lineChart(title, points) {
  const width = 360;
  const height = 140;
  const pad = 28;
  const max = Math.max(1, ...points.map(([, v]) => v));
  const step = points.length > 1 ? (width - 2 * pad) / (points.length - 1) : 0;
  const xy = points.map(([, v], i) => [pad + i * step, height - pad - ((height - 2 * pad) * v) / max]);
  const image = svg('svg', {viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `${title}: ${points.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`},
  svg('title', {}, title),
  svg('line', {x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#666'}),
  svg('text', {x: 2, y: pad, class: 'chart-value'}, max),
  svg('polyline', {points: xy.map(([x, y]) => `${x},${y}`).join(' '), fill: 'none',
    stroke: COLORS[0], 'stroke-width': 2}),
  xy.map(([x, y]) => svg('circle', {cx: x, cy: y, r: 3, fill: COLORS[0]})),
  points.length ? [
    svg('text', {x: pad, y: height - 8, class: 'chart-label'}, points[0][0]),
    svg('text', {x: width - pad, y: height - 8, class: 'chart-label', 'text-anchor': 'end'},
        points[points.length - 1][0])] : []);
  return h('figure', {class: 'chart'}, h('figcaption', {}, title),
      points.length ? image : h('p', {class: 'muted'}, 'None'));
}
