// When the UI asks the API for fresh data, and how it backs off.
//
// A person leaves tabs open for hours, often several from one address, and nginx limits each address (issue 14,
// item 2: three idle tabs once tripped the limit). So the UI asks only when an answer can have changed:
// - the tab is hidden: nothing at all; on its return, one refresh if the data is older than 30 s;
// - a sync is running (a connection says `syncing`, or this tab's own request is in flight): every 2 s, so the
//   result shows as soon as it lands;
// - otherwise every 5 minutes: the timer records a value point at most every 5 minutes and syncs a connection at
//   most every minute, so a faster idle poll would mostly fetch the same answer;
// - a 429 waits at least its `Retry-After`, and repeated failures double the wait up to 10 minutes.
// One refresh is GET /exchanges/connections, plus GET /portfolios when a connection's sync changed the holdings,
// plus GET /portfolio: 2 requests a tab per 5 idle minutes, none of them one that reaches an exchange.
import { api, ApiError, mutationsPending, onActivity } from './api.js';
import { store, update, setRefresher } from './store.js';

export const FAST_POLL_MS = 2000;
export const IDLE_POLL_MS = 5 * 60 * 1000;
const RETURN_REFRESH_AFTER_MS = 30 * 1000;
const FIRST_BACKOFF_MS = 5000;
const MAX_BACKOFF_MS = 10 * 60 * 1000;

let active = false;
let timer = null;
let running = null;
/** The refresh queued behind the running one: `{holdings, done}`, or null. */
let queued = null;
let holdingsKey = null;
let failures = 0;

/** Starts refreshing for a signed-in person: one refresh now, then by the policy above. */
export function startPolling() {
  active = true;
  holdingsKey = null;
  failures = 0;
  setRefresher(refresh);
  refresh({ holdings: true });
}

/** Stops every timer (sign-out). An answer still in flight is dropped. */
export function stopPolling() {
  active = false;
  clearTimeout(timer);
  timer = null;
}

onActivity(() => { if (active && !running) schedule(); });
document.addEventListener('visibilitychange', () => {
  if (!active) return;
  if (document.hidden) { clearTimeout(timer); return; }
  const age = store.refreshedAt === null ? Infinity : Date.now() - store.refreshedAt;
  if (age >= RETURN_REFRESH_AFTER_MS || busy()) refresh();
  else schedule();
});

function busy() {
  return (store.connections || []).some((c) => c.syncing) || store.syncing.size > 0 || mutationsPending() > 0;
}

function schedule(delay = busy() ? FAST_POLL_MS : IDLE_POLL_MS) {
  clearTimeout(timer);
  timer = null;
  if (!active || document.hidden) return;
  timer = setTimeout(() => refresh(), delay);
}

/**
 * One refresh (see the policy above); `{holdings: true}` also reloads the holdings and the portfolio. A call while one
 * runs is queued behind it (once, merging the options) and resolves when the queued refresh is over, so a page that
 * awaits "refresh after my change" sees an answer given after its change.
 */
function refresh(options = {}) {
  if (!active) return Promise.resolve();
  if (running) {
    if (!queued) {
      const next = { holdings: false };
      next.done = running.catch(() => {}).then(() => { queued = null; return refreshNow(next); });
      queued = next;
    }
    queued.holdings = queued.holdings || Boolean(options.holdings);
    return queued.done;
  }
  return refreshNow(options);
}

async function refreshNow(options) {
  if (!active) return;
  clearTimeout(timer);
  // While a refresh runs the root element carries data-refreshing (for styles, and for tests that must know when
  // a refresh is over: its requests follow one another, so the network can look idle in between).
  document.documentElement.toggleAttribute('data-refreshing', true);
  running = load(Boolean(options.holdings));
  try {
    await running;
  } finally {
    running = null;
    document.documentElement.toggleAttribute('data-refreshing', Boolean(queued));
  }
}

async function load(forceHoldings) {
  let delay;
  try {
    const answer = await api('GET', '/exchanges/connections');
    if (!active) return;
    const connections = answer.connections || [];
    update({ connections });
    const key = connections.map((c) => `${c.id}:${c.lastSyncAt}:${c.holdingsCount}:${c.status}`).join('|');
    const [portfolios, portfolio] = await Promise.all([
      forceHoldings || key !== holdingsKey ? api('GET', '/portfolios') : null,
      api('GET', '/portfolio'),
    ]);
    if (!active) return;
    const changes = { portfolio, refreshedAt: Date.now(), refreshError: null };
    if (portfolios) {
      holdingsKey = key;
      changes.holdings = holdingsByConnection(portfolios);
      changes.totals = portfolios.totals || [];
    }
    update(changes);
    failures = 0;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (!active || error.status === 401) return;
    failures += 1;
    const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failures - 1));
    delay = Math.max(backoff, (error.retryAfter || 0) * 1000);
    update({ refreshError: error.message });
  } finally {
    if (active) schedule(delay);
  }
}

function holdingsByConnection(answer) {
  const byConnection = new Map();
  for (const portfolio of answer.portfolios || []) {
    if (!portfolio.connectionId) continue;
    byConnection.set(portfolio.connectionId,
      [...(byConnection.get(portfolio.connectionId) || []), ...(portfolio.holdings || [])]);
  }
  return byConnection;
}
