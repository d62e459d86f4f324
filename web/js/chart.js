// The value chart: inline SVG drawn here (no library, nothing from a CDN, so the strict CSP holds), with a tooltip
// per point on hover and on the keyboard (focus the chart, then the arrow keys, Home and End).
//
// Number() is used for coordinates only; every amount written on screen is the API's decimal string.
import { byId, show } from './dom.js';
import { compare } from './decimal.js';
import { amountText } from './money.js';
import { runs } from './history.js';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const PAD = { top: 22, right: 10, bottom: 40, left: 10 };

let state = { points: [], resolution: '1h', currency: '', short: false, selected: null, layout: null };

function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** "1 Dec, 14:05" for short ranges, "1 Dec 2026" (with the time for a tooltip) for longer ones. */
export function timeText(iso, { withTime = true } = {}) {
  const date = new Date(iso);
  const options = { day: 'numeric', month: 'short', year: 'numeric' };
  if (withTime) Object.assign(options, { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleString(undefined, options);
}

/** The words of one point, for its tooltip and for screen readers. */
export function pointText(point, currency) {
  const value = point.value === null || point.value === undefined ? 'value unknown' : `${amountText(point.value)} ${currency}`;
  return `${timeText(point.time)}: ${value}${point.complete ? '' : ' (partial)'}`;
}

/** Wires the chart's hover, focus and keys. Call once. */
export function setUpChart() {
  const chart = byId('chart');
  chart.addEventListener('keydown', onKey);
  chart.addEventListener('focus', () => { if (state.points.length) select(state.selected ?? state.points.length - 1); });
  chart.addEventListener('blur', () => hideTooltip());
  chart.addEventListener('mousemove', onPointer);
  chart.addEventListener('mouseleave', () => { if (document.activeElement !== chart) hideTooltip(); });
  // Redraw at the new width (a rotated phone, a resized window): an event, not a timer.
  if (typeof ResizeObserver === 'function') {
    let width = 0;
    new ResizeObserver(() => {
      if (chart.clientWidth !== width && state.points.length >= 2) { width = chart.clientWidth; draw(); }
    }).observe(chart);
  }
}

/**
 * Draws `points` (oldest first, all in `currency`) at `resolution`; `short` writes times rather than dates on
 * the axis. Fewer than 2 points with a value: nothing is drawn (the page says "Not enough history yet").
 */
export function renderChart(points, { resolution, currency, short }) {
  state = { points, resolution, currency, short, selected: null, layout: null };
  draw();
}

function knownValues() {
  return state.points.filter((p) => p.value !== null && p.value !== undefined);
}

function draw() {
  const chart = byId('chart');
  for (const old of chart.querySelectorAll('svg')) old.remove();
  hideTooltip();
  const known = knownValues();
  if (known.length < 2) { state.layout = null; return; }
  const width = Math.max(280, chart.clientWidth || 600);
  const times = state.points.map((p) => Date.parse(p.time));
  const first = times[0];
  const last = times[times.length - 1];
  // The highest and lowest points, found by exact comparison: their strings label the axis.
  let high = known[0];
  let low = known[0];
  for (const point of known) {
    if (compare(point.value, high.value) > 0) high = point;
    if (compare(point.value, low.value) < 0) low = point;
  }
  let top = Number(high.value);
  let bottom = Number(low.value);
  if (top === bottom) { const pad = Math.abs(top) * 0.01 || 1; top += pad; bottom -= pad; }
  const x = (t) => PAD.left + ((t - first) / Math.max(1, last - first)) * (width - PAD.left - PAD.right);
  const y = (v) => PAD.top + (1 - (Number(v) - bottom) / (top - bottom)) * (HEIGHT - PAD.top - PAD.bottom);
  state.layout = { x, y, times };

  const root = svg('svg', { viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, class: 'chart-svg',
    'aria-hidden': 'true', focusable: 'false' });
  root.append(svg('line', { class: 'chart-axis', x1: PAD.left, x2: width - PAD.right, y1: HEIGHT - PAD.bottom,
    y2: HEIGHT - PAD.bottom }));
  // The high above the plot, the low below it: the labels never sit on the line.
  for (const [point, at] of [[high, PAD.top - 8], [low, HEIGHT - PAD.bottom + 14]]) {
    const label = svg('text', { class: 'chart-label', x: PAD.left, y: at });
    label.textContent = `${point === high ? 'High' : 'Low'} ${amountText(point.value)} ${state.currency}`;
    root.append(label);
  }
  const withTime = state.short;
  const start = svg('text', { class: 'chart-label', x: PAD.left, y: HEIGHT - 4 });
  start.textContent = timeText(state.points[0].time, { withTime });
  const end = svg('text', { class: 'chart-label', x: width - PAD.right, y: HEIGHT - 4, 'text-anchor': 'end' });
  end.textContent = timeText(state.points[state.points.length - 1].time, { withTime });
  root.append(start, end);

  const lines = runs(state.points, state.resolution);
  // A break is bridged by a faint dashed line, so it reads as "nothing recorded here", not as the end of the data.
  for (let n = 1; n < lines.length; n += 1) {
    const from = lines[n - 1][lines[n - 1].length - 1];
    const to = lines[n][0];
    root.append(svg('line', { class: 'chart-gap', x1: x(times[from]), y1: y(state.points[from].value),
      x2: x(times[to]), y2: y(state.points[to].value) }));
  }
  for (const run of lines) {
    if (run.length === 1) {
      const p = state.points[run[0]];
      root.append(svg('circle', { class: 'chart-dot', cx: x(times[run[0]]), cy: y(p.value), r: 2.5 }));
      continue;
    }
    const d = run.map((index, n) => `${n ? 'L' : 'M'}${x(times[index]).toFixed(1)} ${y(state.points[index].value).toFixed(1)}`);
    root.append(svg('path', { class: 'chart-line', d: d.join(' ') }));
  }
  state.points.forEach((point, index) => {
    if (point.complete || point.value === null || point.value === undefined) return;
    root.append(svg('circle', { class: 'chart-partial', cx: x(times[index]), cy: y(point.value), r: 3.5,
      'data-index': index }));
  });
  root.append(svg('line', { class: 'chart-cursor', x1: 0, x2: 0, y1: PAD.top, y2: HEIGHT - PAD.bottom, visibility: 'hidden' }));
  root.append(svg('circle', { class: 'chart-focus', cx: 0, cy: 0, r: 5, visibility: 'hidden' }));
  chart.prepend(root);
}

function onKey(event) {
  const count = state.points.length;
  if (!count || !state.layout) return;
  const current = state.selected ?? count - 1;
  const moves = { ArrowLeft: current - 1, ArrowRight: current + 1, ArrowDown: current - 1, ArrowUp: current + 1,
    Home: 0, End: count - 1, PageUp: current - 10, PageDown: current + 10 };
  if (event.key === 'Escape') { hideTooltip(); return; }
  if (!(event.key in moves)) return;
  event.preventDefault();
  select(Math.min(count - 1, Math.max(0, moves[event.key])));
}

function onPointer(event) {
  if (!state.layout) return;
  const box = byId('chart').querySelector('svg').getBoundingClientRect();
  const at = event.clientX - box.left;
  let nearest = 0;
  let distance = Infinity;
  state.layout.times.forEach((t, index) => {
    const d = Math.abs(state.layout.x(t) - at);
    if (d < distance) { distance = d; nearest = index; }
  });
  select(nearest, { announce: false });
}

/** Shows point `index`'s tooltip and marker; `announce` also tells screen readers (keyboard moves). */
function select(index, { announce = true } = {}) {
  if (!state.layout) return;
  state.selected = index;
  const point = state.points[index];
  const root = byId('chart').querySelector('svg');
  const cx = state.layout.x(state.layout.times[index]);
  const known = point.value !== null && point.value !== undefined;
  const cy = known ? state.layout.y(point.value) : HEIGHT - PAD.bottom;
  const cursor = root.querySelector('.chart-cursor');
  cursor.setAttribute('x1', cx);
  cursor.setAttribute('x2', cx);
  cursor.setAttribute('visibility', 'visible');
  const focus = root.querySelector('.chart-focus');
  focus.setAttribute('cx', cx);
  focus.setAttribute('cy', cy);
  focus.setAttribute('visibility', known ? 'visible' : 'hidden');
  focus.classList.toggle('partial', !point.complete);
  const tooltip = byId('chart-tooltip');
  tooltip.textContent = pointText(point, state.currency);
  tooltip.dataset.index = String(index);
  show(tooltip, true);
  // Keep the tooltip inside the chart: anchor it left of the point on the right half.
  const width = root.clientWidth || Number(root.getAttribute('width'));
  tooltip.classList.toggle('flip', cx > width / 2);
  tooltip.style.left = `${cx}px`;
  tooltip.style.top = `${Math.max(0, cy - 12)}px`;
  if (announce) byId('chart-readout').textContent = `Point ${index + 1} of ${state.points.length}: ${tooltip.textContent}`;
}

function hideTooltip() {
  const tooltip = byId('chart-tooltip');
  show(tooltip, false);
  const root = byId('chart').querySelector('svg');
  if (!root) return;
  for (const selector of ['.chart-cursor', '.chart-focus']) root.querySelector(selector).setAttribute('visibility', 'hidden');
}
