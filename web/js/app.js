// Holdfast's web UI: sign-in, then the connections page, kept fresh by polling (no WebSocket).
import { api, ApiError, setCsrfToken, onUnauthorized, onActivity, mutationsPending } from './api.js';
import { byId, show } from './dom.js';
import { toast } from './toast.js';
import { confirmAction } from './dialogs.js';
import { setUpConnectDialog, openConnectDialog } from './connect.js';
import { renderConnections, renderTotals, setCardBusy, clearConnections } from './connections.js';

/** Poll every 2 s while a sync runs or a change is in flight, otherwise every 30 s. */
const FAST_POLL_MS = 2000;
const SLOW_POLL_MS = 30000;

const state = {
  signedIn: false,
  connections: [],
  /** Holdings by connection id, from GET /portfolios; null until loaded. */
  holdings: null,
  /** What the holdings were loaded for: changes when a connection syncs, so they are loaded again. */
  holdingsKey: null,
  /** Connection ids whose Sync now request is in flight. */
  syncing: new Set(),
  pollTimer: null,
  polling: false,
};

const actions = { sync: syncNow, togglePause, disconnect };

function render() {
  renderConnections(state.connections,
    (id) => (state.holdings ? state.holdings.get(id) || [] : null), actions);
}

// ---- Signing in and out ----------------------------------------------------------------------------------

async function start() {
  setUpConnectDialog({ connected: (connection) => upsert(connection, { reloadHoldings: true }) });
  byId('login-form').addEventListener('submit', login);
  byId('logout').addEventListener('click', logout);
  byId('open-connect').addEventListener('click', openConnectDialog);
  byId('sync-all').addEventListener('click', syncAll);
  onUnauthorized(() => {
    if (state.signedIn) signedOut('Your session has ended. Sign in again.');
  });
  onActivity(() => schedulePoll());
  document.addEventListener('visibilitychange', () => { if (!document.hidden && state.signedIn) poll(); });

  try {
    // After a reload the CSRF token is gone from memory; /auth/me hands it out again for the cookie's session.
    const me = await api('GET', '/auth/me');
    signedIn(me.user, me.csrfToken);
  } catch (error) {
    signedOut(error instanceof ApiError && error.status === 401 ? null : error.message);
  } finally {
    show(byId('loading'), false);
  }
}

async function login(event) {
  event.preventDefault();
  const email = byId('login-email');
  const password = byId('login-password');
  const error = byId('login-error');
  const button = byId('login-submit');
  show(error, false);
  if (!email.value.trim() || !password.value) {
    error.textContent = 'Enter your email and password.';
    show(error, true);
    return;
  }
  button.disabled = true;
  try {
    const answer = await api('POST', '/auth/login', { email: email.value.trim(), password: password.value });
    password.value = '';
    signedIn(answer.user, answer.csrfToken);
  } catch (failure) {
    password.value = '';
    error.textContent = failure.message;
    show(error, true);
    password.focus();
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try {
    await api('POST', '/auth/logout');
  } catch (error) {
    if (error.status !== 401) { toast(`Could not sign out: ${error.message}`, 'error'); return; }
  }
  signedOut(null);
  toast('Signed out.', 'info');
}

function signedIn(user, csrfToken) {
  setCsrfToken(csrfToken);
  state.signedIn = true;
  byId('user-email').textContent = user.email;
  show(byId('login-view'), false);
  show(byId('user-menu'), true);
  show(byId('app-view'), true);
  document.title = 'Connections · Holdfast';
  byId('app-title').focus();
  poll();
}

function signedOut(message) {
  setCsrfToken(null);
  state.signedIn = false;
  clearTimeout(state.pollTimer);
  state.connections = [];
  state.holdings = null;
  state.holdingsKey = null;
  clearConnections();
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  show(byId('app-view'), false);
  show(byId('user-menu'), false);
  show(byId('login-view'), true);
  document.title = 'Sign in · Holdfast';
  const error = byId('login-error');
  error.textContent = message || '';
  show(error, Boolean(message));
  byId('login-email').focus();
}

// ---- Polling ----------------------------------------------------------------------------------------------

function busy() {
  return state.connections.some((connection) => connection.syncing) || state.syncing.size > 0 || mutationsPending() > 0;
}

function schedulePoll() {
  if (!state.signedIn || state.polling) return;
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(poll, busy() ? FAST_POLL_MS : SLOW_POLL_MS);
}

/** Loads the connections, and the holdings when a connection synced since they were last loaded. */
async function poll() {
  if (!state.signedIn || state.polling) return;
  state.polling = true;
  clearTimeout(state.pollTimer);
  const status = byId('refresh-status');
  try {
    const answer = await api('GET', '/exchanges/connections');
    state.connections = answer.connections || [];
    render();
    await loadHoldingsIfChanged();
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    status.classList.remove('stale');
  } catch (error) {
    if (error.status !== 401) {
      status.textContent = `Could not refresh: ${error.message}`;
      status.classList.add('stale');
    }
  } finally {
    state.polling = false;
    schedulePoll();
  }
}

function holdingsKey() {
  return state.connections.map((c) => `${c.id}:${c.lastSyncAt}:${c.holdingsCount}:${c.status}`).join('|');
}

async function loadHoldingsIfChanged(force = false) {
  const key = holdingsKey();
  if (!force && key === state.holdingsKey) return;
  const answer = await api('GET', '/portfolios');
  const byConnection = new Map();
  for (const portfolio of answer.portfolios || []) {
    if (!portfolio.connectionId) continue;
    byConnection.set(portfolio.connectionId, [...(byConnection.get(portfolio.connectionId) || []), ...(portfolio.holdings || [])]);
  }
  state.holdings = byConnection;
  state.holdingsKey = key;
  render();
  renderTotals(answer.totals || []);
}

/** Puts a connection the API just returned into the list. */
async function upsert(connection, { reloadHoldings = false } = {}) {
  const index = state.connections.findIndex((c) => c.id === connection.id);
  if (index >= 0) state.connections[index] = connection;
  else state.connections.push(connection);
  render();
  if (reloadHoldings) {
    try { await loadHoldingsIfChanged(true); } catch { /* the next poll tries again */ }
  }
  schedulePoll();
}

// ---- Actions ----------------------------------------------------------------------------------------------

function titleOf(connection) {
  const name = connection.exchangeName || connection.exchange;
  return connection.label ? `${name} (${connection.label})` : name;
}

async function syncNow(connection) {
  if (state.syncing.has(connection.id)) return;
  state.syncing.add(connection.id);
  setCardBusy(connection.id, true);
  try {
    const answer = await api('POST', `/exchanges/connections/${encodeURIComponent(connection.id)}/sync`);
    setCardBusy(connection.id, false);
    await upsert(answer.connection, { reloadHoldings: true });
    toast(`Synced ${titleOf(answer.connection)}: ${answer.holdingsCount} holdings.`, 'success');
  } catch (error) {
    setCardBusy(connection.id, false);
    if (error.status === 401) return;
    if (error.code === 'sync_in_progress') {
      toast(`${titleOf(connection)} is already syncing.`, 'info');
    } else {
      if (error.body && error.body.connection) await upsert(error.body.connection);
      toast(`Sync of ${titleOf(connection)} failed: ${error.message}`, 'error');
    }
  } finally {
    state.syncing.delete(connection.id);
    setCardBusy(connection.id, false);
    poll();
  }
}

async function syncAll() {
  const button = byId('sync-all');
  button.disabled = true;
  try {
    const answer = await api('POST', '/exchanges/sync-all');
    const results = answer.results || [];
    const failed = results.filter((result) => !result.success);
    if (results.length === 0) toast('There is nothing to sync yet.', 'info');
    else if (failed.length === 0) toast(`Synced ${results.length} connection${results.length === 1 ? '' : 's'}.`, 'success');
    else toast(`${failed.length} of ${results.length} syncs failed; see the connections below.`, 'error');
  } catch (error) {
    if (error.status !== 401) toast(`Sync all failed: ${error.message}`, 'error');
  } finally {
    button.disabled = false;
    state.holdingsKey = null;
    poll();
  }
}

async function togglePause(connection) {
  const status = connection.status === 'disabled' ? 'active' : 'disabled';
  try {
    const answer = await api('PATCH', `/exchanges/connections/${encodeURIComponent(connection.id)}`, { status });
    await upsert(answer.connection);
    toast(status === 'disabled' ? `Paused ${titleOf(connection)}.` : `Resumed ${titleOf(connection)}.`, 'success');
  } catch (error) {
    if (error.status !== 401) toast(`Could not update ${titleOf(connection)}: ${error.message}`, 'error');
  }
}

async function disconnect(connection) {
  const title = titleOf(connection);
  const sure = await confirmAction({
    title: `Disconnect ${title}?`,
    message: 'Holdfast deletes the stored API key and this connection\'s holdings. You can connect again later.',
    confirmLabel: 'Disconnect',
    fallbackFocus: byId('open-connect'),
  });
  if (!sure) return;
  try {
    await api('DELETE', `/exchanges/connections/${encodeURIComponent(connection.id)}`);
    state.connections = state.connections.filter((c) => c.id !== connection.id);
    render();
    toast(`Disconnected ${title}.`, 'success');
    // The card and its buttons are gone; put focus somewhere that still exists.
    byId('open-connect').focus();
    try { await loadHoldingsIfChanged(true); } catch { /* the next poll tries again */ }
  } catch (error) {
    if (error.status !== 401) toast(`Could not disconnect ${title}: ${error.message}`, 'error');
  }
}

start();
