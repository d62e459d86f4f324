// The Portfolio page: what the holdings are worth, first thing after sign-in (issue 14, "What a person sees
// first"). The valued portfolio comes from the store (the poller loads it); the history is this page's own, loaded
// on sign-in, on a range change, after a currency change, and when the portfolio's `valuedAt` has moved at least
// 5 minutes past the last history load. Never on a timer of its own: the poller's refreshes drive it.
import { api } from './api.js';
import { byId, h, show } from './dom.js';
import { store, subscribe, update, requestRefresh } from './store.js';
import { CURRENCIES, amountText } from './money.js';
import { RANGES, changesPath, loadHistory, rangePath } from './history.js';
import { renderChart, setUpChart, timeText } from './chart.js';
import { renderAllocation } from './allocation.js';
import { renderHoldings, resetHoldingsTable, setUpHoldingsTable } from './holdings-table.js';
import { renderChanges, renderSummary } from './portfolio-summary.js';
import { setUpDownloads } from './downloads.js';

/** The history is loaded again once the portfolio was valued this long after the last load. */
export const HISTORY_REFRESH_MS = 5 * 60 * 1000;

const page = {
  userId: null,
  range: RANGES.find((r) => r.id === '30d'),
  chart: null,
  changes: null,
  chartError: null,
  /** `valuedAt` (ms) of the portfolio when the history was last loaded; null until a portfolio was seen. */
  mark: null,
  loads: 0,
  changeLoads: 0,
  drawnFor: null,
};

/** Builds the page's controls and renders it on every store change. Call once. */
export function mountPortfolioPage() {
  const select = byId('portfolio-currency-select');
  select.replaceChildren(...CURRENCIES.map((code) => h('option', { value: code, text: code })));
  select.addEventListener('change', () => changeCurrency(select.value));
  byId('range-buttons').replaceChildren(...RANGES.map((range) => h('button', {
    type: 'button', class: 'range', 'data-range': range.id, 'aria-pressed': String(range === page.range),
    title: range.name, onclick: () => chooseRange(range),
  }, range.label)));
  setUpChart();
  setUpHoldingsTable();
  setUpDownloads();
  subscribe(render);
  render(store, new Set(['user', 'portfolio', 'connections']));
}

function render(state, changed) {
  if (!state.user) { signedOut(); return; }
  if (state.user.id !== page.userId) {
    page.userId = state.user.id;
    reloadHistory();
  }
  const select = byId('portfolio-currency-select');
  if (!select.disabled) select.value = state.user.currency;
  const portfolio = state.portfolio;
  // Until the first answer the portfolio is unknown: "Loading…", never the empty state (issue 14, item 3).
  show(byId('portfolio-loading'), portfolio === null);
  const empty = portfolio !== null && (portfolio.connections || []).length === 0
    && (state.connections === null || state.connections.length === 0);
  show(byId('portfolio-empty'), empty);
  show(byId('portfolio-content'), portfolio !== null && !empty);
  if (!portfolio || empty) return;
  if (changed.has('portfolio') || changed.has('connections') || changed.has('user')) {
    renderSummary(portfolio, state.connections);
    renderChanges(portfolio, page.changes);
    renderAllocation(portfolio);
  }
  if (['portfolio', 'connections', 'user', 'holdings'].some((key) => changed.has(key))) {
    renderHoldings(portfolio, state.connections, state.holdings);
  }
  if (page.drawnFor !== portfolio.currency) renderHistory();
  const valuedAt = Date.parse(portfolio.valuedAt);
  if (page.mark === null) page.mark = valuedAt;
  else if (valuedAt - page.mark >= HISTORY_REFRESH_MS) reloadHistory({ keep: true });
}

function signedOut() {
  if (page.userId === null) return;
  Object.assign(page, { userId: null, chart: null, changes: null, chartError: null, mark: null, drawnFor: null });
  page.loads += 1;
  page.changeLoads += 1;
  resetHoldingsTable();
  byId('currency-status').textContent = '';
}

/** Loads the chart's range and the change points again; `keep` leaves the chart drawn until the answer is in. */
async function reloadHistory({ keep = false } = {}) {
  await Promise.all([loadChart({ keep }), loadChanges()]);
}

function markLoaded() {
  page.mark = store.portfolio ? Date.parse(store.portfolio.valuedAt) : null;
}

async function loadChart({ keep = false } = {}) {
  const load = ++page.loads;
  const user = page.userId;
  markLoaded();
  // A background reload (the valuation moved on) keeps the chart in place, so a person reading it loses nothing;
  // a new range shows "Loading history…" until its points arrive.
  if (!keep || page.chart === null) {
    page.chart = null;
    page.chartError = null;
    renderHistory();
  }
  try {
    let answer = await loadHistory(rangePath(page.range));
    // A new account's first points are closer together than the range's buckets (hourly for 7 d and 30 d), so the
    // range holds one point at most: show the recent 5-minute points instead of "not enough history".
    if (page.range.resolution !== '5m' && valuedPoints(answer) < 2) {
      const recent = await loadHistory(rangePath(RECENT_POINTS));
      if (valuedPoints(recent) > valuedPoints(answer)) answer = recent;
    }
    if (load !== page.loads || user !== page.userId) return;
    page.chart = answer;
  } catch (error) {
    if (load !== page.loads || error.status === 401) return;
    page.chartError = error.message;
  }
  renderHistory();
}

/** The span where 5-minute points are kept (the history keeps every point for 48 hours). */
const RECENT_POINTS = { seconds: 2 * 86400, resolution: '5m' };

/** How many points of `answer` have a value in the current currency (what the chart can draw). */
function valuedPoints(answer) {
  const currency = currentCurrency();
  return (answer.points || []).filter((point) => point.value !== null && point.currency === currency).length;
}

async function loadChanges() {
  const load = ++page.changeLoads;
  const user = page.userId;
  // Only the latest load counts: an older answer (say, from before a currency change) arriving last is dropped.
  const current = () => load === page.changeLoads && user === page.userId;
  try {
    const answer = await loadHistory(changesPath());
    if (!current()) return;
    page.changes = answer;
  } catch (error) {
    if (error.status === 401 || !current()) return;
    page.changes = { points: [], error: error.message };
  }
  if (store.portfolio) renderChanges(store.portfolio, page.changes);
}

function chooseRange(range) {
  if (range === page.range && page.chart) return;
  page.range = range;
  for (const button of byId('range-buttons').querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === range.id));
  }
  loadChart();
}

function currentCurrency() {
  return (store.portfolio && store.portfolio.currency) || (store.user && store.user.currency) || 'USD';
}

/** The chart, its legend, its table and the status line, for the loaded range. */
function renderHistory() {
  const status = byId('history-status');
  const chart = byId('chart');
  const details = byId('history-details');
  const other = byId('history-other-currency');
  const panel = byId('history-panel');
  const currency = currentCurrency();
  panel.setAttribute('aria-busy', String(page.chart === null && page.chartError === null));
  if (page.chart === null) {
    status.textContent = page.chartError ? `Could not load the history: ${page.chartError}` : 'Loading history…';
    status.classList.toggle('error-text', Boolean(page.chartError));
    for (const element of [chart, details, other, byId('chart-help')]) show(element, false);
    page.drawnFor = null;
    return;
  }
  status.classList.remove('error-text');
  page.drawnFor = currency;
  // Points keep the currency they were recorded in (README "Currency"): only this currency's are comparable.
  const points = page.chart.points.filter((p) => p.currency === currency);
  const elsewhere = page.chart.points.length - points.length;
  other.textContent = elsewhere
    ? `${elsewhere} earlier point${elsewhere === 1 ? ' was' : 's were'} recorded in another currency and ${elsewhere === 1 ? 'is' : 'are'} not shown.`
    : '';
  show(other, elsewhere > 0);
  const valued = points.filter((p) => p.value !== null && p.value !== undefined).length;
  const enough = valued >= 2;
  status.textContent = enough
    ? `${points.length} points over ${page.range.name}${points.some((p) => !p.complete) ? ', some partial' : ''}.`
    : `Not enough history yet for ${page.range.name}: Holdfast records your total every 5 minutes while its timer runs.`;
  show(chart, enough);
  show(byId('chart-help'), enough);
  chart.setAttribute('aria-label', `Value over ${page.range.name}, ${points.length} points. `
    + 'Use the arrow keys to read each point.');
  if (enough) renderChart(points, { resolution: page.chart.resolution, currency, short: page.range.id === '24h' });
  byId('history-body').replaceChildren(...points.map((point) => h('tr',
    { 'data-time': point.time, 'data-complete': String(point.complete) },
    h('th', { scope: 'row', text: timeText(point.time) }),
    h('td', { class: 'num', text: point.value === null || point.value === undefined
      ? '—' : `${amountText(point.value)} ${currency}` }),
    h('td', { text: point.complete ? 'yes' : 'partial' }))));
  show(details, points.length > 0);
}

async function changeCurrency(currency) {
  const select = byId('portfolio-currency-select');
  const status = byId('currency-status');
  const before = store.user.currency;
  if (currency === before) return;
  select.disabled = true;
  status.classList.remove('error-text');
  status.textContent = `Changing the currency to ${currency}…`;
  try {
    const answer = await api('PATCH', '/auth/me', { currency });
    update({ user: answer.user });
    await Promise.all([requestRefresh({ holdings: true }), reloadHistory()]);
    status.textContent = `Values are now in ${answer.user.currency}.`;
  } catch (error) {
    if (error.status === 401) return;
    select.value = before;
    status.classList.add('error-text');
    status.textContent = `Could not change the currency: ${error.message}`;
  } finally {
    select.disabled = false;
  }
}
