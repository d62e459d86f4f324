// The connections list and the holdings: cards updated in place, so a poll never steals keyboard focus.
import { byId, h, show } from './dom.js';
import { placeAt } from './keyed-list.js';
import { ago, until, exact } from './time.js';
import { permissionWarning } from './permissions.js';
import { intervalText, stateOf, titleOf } from './connection-state.js';
import { syncLogDetails } from './sync-log.js';

/** Card elements by connection id. */
const cards = new Map();

/**
 * Renders `connections` into the list, reusing each connection's card.
 * `holdingsFor(id)` answers the holdings to show, or null when unknown; `actions` has sync, edit, togglePause and
 * disconnect callbacks taking the connection. Pass the connections in the order to show (attentionFirst).
 */
export function renderConnections(connections, holdingsFor, actions) {
  const list = byId('connection-list');
  const seen = new Set();
  connections.forEach((connection, index) => {
    seen.add(connection.id);
    let card = cards.get(connection.id);
    if (!card) {
      card = buildCard(connection.id, actions);
      cards.set(connection.id, card);
    }
    updateCard(card, connection, holdingsFor(connection.id));
    placeAt(list, card.root, index);
  });
  for (const [id, card] of cards) {
    if (!seen.has(id)) { card.root.remove(); cards.delete(id); }
  }
  show(byId('empty'), connections.length === 0);
  show(list, connections.length > 0);
}

/** Marks one card as waiting for its own Sync now request (the button is disabled meanwhile). */
export function setCardBusy(id, busy) {
  const card = cards.get(id);
  if (!card) return;
  card.busy = busy;
  card.sync.disabled = busy || card.syncing;
  card.sync.textContent = busy || card.syncing ? 'Syncing…' : card.syncVerb;
  // The name starts with the words the button shows, then says which connection (WCAG 2.5.3, label in name).
  card.sync.setAttribute('aria-label', `${card.sync.textContent}: ${card.title}`);
}

function buildCard(id, actions) {
  const titleId = `conn-${id}-title`;
  const card = { id, connection: null, title: '', busy: false, syncing: false, syncVerb: 'Sync now' };
  card.exchange = h('span', { class: 'exchange-name' });
  card.label = h('span', { class: 'connection-label' });
  card.statusText = h('span', { class: 'status-text' });
  card.status = h('span', { class: 'status', 'data-status': '', 'data-state': '' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), card.statusText);
  card.syncingBadge = h('span', { class: 'badge syncing', role: 'status', text: 'Syncing…', hidden: true });
  card.lastSync = h('time');
  card.nextSync = h('span');
  card.interval = h('span');
  card.keyHint = h('span');
  card.region = h('span');
  card.regionItem = h('div', { hidden: true }, h('dt', { text: 'Host' }), h('dd', { class: 'region' }, card.region));
  card.warning = h('p', { class: 'warning', hidden: true });
  card.unread = h('p', { class: 'unread-wallets', hidden: true });
  card.notesList = h('ul');
  card.notes = h('div', { class: 'read-notes', hidden: true },
    h('p', { class: 'read-notes-title', text: 'Noticed in the last sync, not counted as holdings:' }), card.notesList);
  card.errorCode = h('span', { class: 'error-code' });
  card.errorMessage = h('p', { class: 'error-message' });
  card.error = h('div', { class: 'error-box', hidden: true },
    h('p', { class: 'error-title' }, 'Last sync failed ', card.errorCode), card.errorMessage);
  card.sync = h('button', { type: 'button', class: 'primary', 'data-action': 'sync', onclick: () => actions.sync(card.connection) });
  card.edit = h('button', { type: 'button', 'data-action': 'edit', 'aria-haspopup': 'dialog', onclick: () => actions.edit(card.connection) }, 'Edit');
  card.pause = h('button', { type: 'button', onclick: () => actions.togglePause(card.connection) });
  card.disconnect = h('button', { type: 'button', class: 'danger', onclick: () => actions.disconnect(card.connection) },
    'Disconnect');
  card.holdingsSummary = h('summary');
  card.holdingsBody = h('tbody');
  card.holdingsCaption = h('caption', { class: 'sr-only' });
  card.holdingsEmpty = h('p', { class: 'muted', hidden: true });
  card.holdingsTable = h('table', { class: 'holdings' }, card.holdingsCaption,
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Asset' }), h('th', { scope: 'col', class: 'amount', text: 'Amount' }),
      h('th', { scope: 'col', text: 'Wallets' }))),
    card.holdingsBody);
  card.root = h('li', { class: 'card', 'data-connection-id': id, 'aria-labelledby': titleId },
    h('div', { class: 'card-head' },
      h('h3', { id: titleId, class: 'card-title' }, card.exchange, card.label),
      h('div', { class: 'badges' }, card.status, card.syncingBadge)),
    h('dl', { class: 'meta' },
      h('div', {}, h('dt', { text: 'Last synced' }), h('dd', { class: 'last-sync' }, card.lastSync)),
      h('div', {}, h('dt', { text: 'Next sync' }), h('dd', { class: 'next-sync' }, card.nextSync)),
      h('div', {}, h('dt', { text: 'Sync interval' }), h('dd', { class: 'sync-interval' }, card.interval)),
      h('div', {}, h('dt', { text: 'API key' }), h('dd', {}, card.keyHint)),
      card.regionItem),
    card.warning,
    card.unread,
    card.notes,
    card.error,
    h('div', { class: 'card-actions' }, card.sync, card.edit, card.pause, card.disconnect),
    h('details', { class: 'holdings-details' }, card.holdingsSummary, card.holdingsTable, card.holdingsEmpty),
    syncLogDetails(() => card.connection, titleOf));
  return card;
}

function updateCard(card, connection, holdings) {
  card.connection = connection;
  const name = connection.exchangeName || connection.exchange;
  // A label that only repeats the exchange's name adds nothing.
  const label = connection.label && connection.label !== name ? connection.label : '';
  const title = titleOf(connection);
  card.exchange.textContent = name;
  card.label.textContent = label;
  show(card.label, Boolean(label));

  const state = stateOf(connection);
  card.root.dataset.status = connection.status;
  card.root.dataset.state = state.kind;
  card.status.dataset.status = connection.status;
  card.status.dataset.state = state.kind;
  card.statusText.textContent = state.text;
  card.syncing = Boolean(connection.syncing);
  show(card.syncingBadge, card.syncing);
  card.root.setAttribute('aria-busy', card.syncing ? 'true' : 'false');

  card.lastSync.textContent = ago(connection.lastSyncAt) || 'Never';
  if (connection.lastSyncAt) {
    card.lastSync.setAttribute('datetime', connection.lastSyncAt);
    card.lastSync.title = exact(connection.lastSyncAt);
  } else {
    card.lastSync.removeAttribute('datetime');
    card.lastSync.removeAttribute('title');
  }
  if (connection.status === 'disabled') card.nextSync.textContent = 'Paused';
  else if (state.kind === 'stopped') card.nextSync.textContent = 'Stopped until you act';
  else if (connection.autoSync === false) card.nextSync.textContent = 'Automatic sync off';
  else card.nextSync.textContent = until(connection.nextSyncAt) || 'Not scheduled';
  card.nextSync.title = exact(connection.nextSyncAt);
  card.interval.textContent = typeof connection.syncInterval === 'number' ? intervalText(connection.syncInterval) : '—';
  card.keyHint.textContent = connection.apiKeyHint || '—';
  // Only a non-default host is worth a line: the key works only there (OKX EEA/US, Bybit's regional entities).
  card.region.textContent = connection.regionName || connection.region || '';
  show(card.regionItem, Boolean(connection.region));

  const warning = permissionWarning(connection.permissions);
  card.warning.textContent = warning ? `⚠ ${warning}` : '';
  show(card.warning, Boolean(warning));

  // Wallets the key may not read: the holdings are complete for the rest, and the person should know which.
  const unread = connection.unreadWallets || [];
  card.unread.textContent = unread.length
    ? `⚠ Not read with this key: ${unread.map((w) => `${w.wallet}. ${w.message}`).join(' ')}`
    : '';
  show(card.unread, unread.length > 0);

  // What the read noticed but did not count (a debt, funds in places not read): the total is right, and this says
  // what it leaves out.
  const notes = connection.notes || [];
  card.notesList.replaceChildren(...notes.map((note) => h('li', { text: note })));
  show(card.notes, notes.length > 0);

  const lastError = connection.lastError;
  show(card.error, Boolean(lastError));
  // A stopped connection is announced by the banner already; once is enough.
  if (lastError && state.kind !== 'stopped') card.error.setAttribute('role', 'alert');
  else card.error.removeAttribute('role');
  card.errorCode.textContent = lastError && lastError.code ? `(${lastError.code})` : '';
  card.errorMessage.textContent = (lastError && lastError.message) || '';

  const paused = connection.status === 'disabled';
  card.pause.textContent = paused ? 'Resume' : 'Pause';
  card.pause.setAttribute('aria-label', `${paused ? 'Resume' : 'Pause'} automatic sync of ${title}`);
  // After a transient failure the same request is a retry, and says so. A stopped connection keeps "Sync now",
  // the words of the banner's advice ("if you fixed it on the exchange, choose Sync now").
  const failing = ['retrying', 'failed'].includes(state.kind);
  card.syncVerb = failing ? 'Retry now' : 'Sync now';
  card.title = title;
  card.edit.setAttribute('aria-label', `Edit ${title}`);
  card.disconnect.setAttribute('aria-label', `Disconnect ${title}`);
  setCardBusy(card.id, card.busy);

  const rows = holdings || [];
  const count = holdings ? rows.length : connection.holdingsCount;
  card.holdingsSummary.textContent = `Holdings (${count ?? 0})`;
  card.holdingsCaption.textContent = `Holdings of ${title}`;
  card.holdingsBody.replaceChildren(...rows.map((holding) => holdingRow(holding, true)));
  show(card.holdingsTable, rows.length > 0);
  card.holdingsEmpty.textContent = holdings ? 'No holdings.' : 'Holdings are loading…';
  show(card.holdingsEmpty, rows.length === 0);
}

/**
 * One row; amounts are the API's exact decimal strings, shown as is (never through Number). With `withWallets`,
 * a third cell says where on the exchange the amount sits ("spot 1 · staked 12.5").
 */
function holdingRow(holding, withWallets = false) {
  const cells = [h('th', { scope: 'row', text: holding.asset }), h('td', { class: 'amount', text: String(holding.amount) })];
  if (withWallets) {
    const wallets = (holding.wallets || []).map((w) => `${w.wallet} ${w.total}`).join(' · ');
    cells.push(h('td', { class: 'wallets', text: wallets }));
  }
  return h('tr', { 'data-asset': holding.asset }, ...cells);
}

/** Forgets every card (after logout). */
export function clearConnections() {
  for (const card of cards.values()) card.root.remove();
  cards.clear();
}
