// The Connections page: the needs-attention banner (attention-banner.js), the cards (connections.js), failing
// connections first, and what their buttons do.
import { api } from './api.js';
import { byId, show } from './dom.js';
import { toast } from './toast.js';
import { confirmAction } from './dialogs.js';
import { setUpConnectDialog, openConnectDialog } from './connect.js';
import { setUpEditDialog, openEditDialog } from './fix-connection.js';
import { renderConnections, setCardBusy, clearConnections } from './connections.js';
import { renderAttention, setAttentionBusy, clearAttention } from './attention-banner.js';
import { attentionFirst, titleOf } from './connection-state.js';
import { store, subscribe, update, requestRefresh } from './store.js';

const actions = { sync: syncNow, togglePause, disconnect, edit, replaceKey };

/** Wires the page's buttons and renders it on every store change. Call once. */
export function mountConnectionsPage() {
  setUpConnectDialog({ connected: (connection) => upsert(connection, { reloadHoldings: true }) });
  setUpEditDialog({ saved: async (connection, { rekeyed = false } = {}) => {
    await upsert(connection, { reloadHoldings: true });
    keepFocus(connection.id, 'edit');
    // A new key was only tested: sync with it now, so the card shows its holdings instead of waiting for the timer.
    if (rekeyed && connection.status !== 'disabled') await syncNow(connection);
  } });
  byId('open-connect').addEventListener('click', openConnectDialog);
  byId('sync-all').addEventListener('click', syncAll);
  subscribe(render);
  render(store);
}

function render(state) {
  if (!state.user) { clearConnections(); clearAttention(); return; }
  // Until the first answer the list is unknown: "Loading…", never the empty state.
  const loaded = state.connections !== null;
  show(byId('connections-loading'), !loaded);
  const connections = attentionFirst(state.connections || []);
  renderAttention(connections, actions);
  renderConnections(connections, (id) => (state.holdings ? state.holdings.get(id) || [] : null), actions);
  if (!loaded) show(byId('empty'), false);
  const status = byId('refresh-status');
  if (state.refreshError) {
    status.textContent = `Could not refresh: ${state.refreshError}`;
    status.classList.add('stale');
  } else {
    status.textContent = state.refreshedAt ? `Updated ${new Date(state.refreshedAt).toLocaleTimeString()}` : '';
    status.classList.remove('stale');
  }
}

/** Puts a connection the API just returned into the list, then refreshes (the holdings too when asked). */
async function upsert(connection, { reloadHoldings = false } = {}) {
  const connections = [...(store.connections || [])];
  const index = connections.findIndex((c) => c.id === connection.id);
  if (index >= 0) connections[index] = connection;
  else connections.push(connection);
  update({ connections });
  await requestRefresh({ holdings: reloadHoldings });
}

function setSyncing(id, busy) {
  const syncing = new Set(store.syncing);
  if (busy) syncing.add(id); else syncing.delete(id);
  update({ syncing });
  setCardBusy(id, busy);
  setAttentionBusy(id, busy);
}

/** The card's own button for `id` (where focus goes when the banner entry that had it goes away). */
function cardButton(id, name) {
  return document.querySelector(`li.card[data-connection-id="${CSS.escape(id)}"] button[data-action="${name}"]`);
}

/** When the element that had focus left the page (its banner entry was removed), focus the card's own button. */
function keepFocus(id, name = 'sync') {
  if (document.activeElement && document.activeElement !== document.body) return;
  (cardButton(id, name) || byId('connections-title')).focus();
}

async function syncNow(connection) {
  if (store.syncing.has(connection.id)) return;
  setSyncing(connection.id, true);
  try {
    const answer = await api('POST', `/exchanges/connections/${encodeURIComponent(connection.id)}/sync`);
    setSyncing(connection.id, false);
    await upsert(answer.connection, { reloadHoldings: true });
    keepFocus(connection.id);
    toast(`Synced ${titleOf(answer.connection)}: ${answer.holdingsCount} holdings.`, 'success');
  } catch (error) {
    setSyncing(connection.id, false);
    if (error.status === 401) return;
    if (error.code === 'sync_in_progress') {
      toast(`${titleOf(connection)} is already syncing.`, 'info');
    } else {
      if (error.body && error.body.connection) await upsert(error.body.connection);
      toast(`Sync of ${titleOf(connection)} failed: ${error.message}`, 'error');
    }
  } finally {
    if (store.syncing.has(connection.id)) setSyncing(connection.id, false);
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
    await requestRefresh({ holdings: true });
  }
}

function edit(connection) {
  openEditDialog(connection, { fallbackFocus: cardButton(connection.id, 'edit') || byId('connections-title') });
}

/** The banner's Replace key: the Edit dialog, opened at the key fields. */
function replaceKey(connection) {
  openEditDialog(connection, { replaceKey: true,
    fallbackFocus: cardButton(connection.id, 'edit') || byId('connections-title') });
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
    update({ connections: (store.connections || []).filter((c) => c.id !== connection.id) });
    toast(`Disconnected ${title}.`, 'success');
    // The card and its buttons are gone; put focus somewhere that still exists.
    byId('open-connect').focus();
    await requestRefresh({ holdings: true });
  } catch (error) {
    if (error.status !== 401) toast(`Could not disconnect ${title}: ${error.message}`, 'error');
  }
}
