// The needs-attention banner at the top of the Connections page: each connection whose automatic syncs a key or
// permission failure stopped, what to do about it, and the two buttons that do it (issue 14, item 5).
import { byId, h, show } from './dom.js';
import { placeAt } from './keyed-list.js';
import { stateOf, stoppedAdvice, titleOf } from './connection-state.js';

/** Banner entries by connection id, updated in place so a poll never takes focus from their buttons. */
const entries = new Map();

/**
 * Shows the banner for the stopped connections among `connections` (hidden when there are none). `actions` has
 * `sync(connection)` and `replaceKey(connection)`.
 */
export function renderAttention(connections, actions) {
  const stopped = connections.filter((connection) => stateOf(connection).kind === 'stopped');
  const list = byId('attention-list');
  const seen = new Set();
  stopped.forEach((connection, index) => {
    seen.add(connection.id);
    let entry = entries.get(connection.id);
    if (!entry) {
      entry = buildEntry(actions);
      entries.set(connection.id, entry);
    }
    updateEntry(entry, connection);
    placeAt(list, entry.root, index);
  });
  for (const [id, entry] of entries) {
    if (!seen.has(id)) { entry.root.remove(); entries.delete(id); }
  }
  // The alert's words change only when the set of stopped connections does, so a poll does not repeat it.
  const summary = byId('attention-summary');
  const text = stopped.length === 0 ? '' : stopped.length === 1
    ? `${titleOf(stopped[0])} stopped syncing: your action is needed.`
    : `${stopped.length} connections stopped syncing: your action is needed.`;
  if (summary.textContent !== text) summary.textContent = text;
  show(byId('attention-banner'), stopped.length > 0);
}

/** Marks the banner's Sync now button of connection `id` as busy (or not). */
export function setAttentionBusy(id, busy) {
  const entry = entries.get(id);
  if (!entry) return;
  entry.sync.disabled = busy;
  entry.sync.textContent = busy ? 'Syncing…' : 'Sync now';
}

/** Forgets every entry (after logout). */
export function clearAttention() {
  for (const entry of entries.values()) entry.root.remove();
  entries.clear();
  byId('attention-summary').textContent = '';
  show(byId('attention-banner'), false);
}

function buildEntry(actions) {
  const entry = { connection: null };
  entry.title = h('strong', { class: 'attention-name' });
  entry.advice = h('p', { class: 'attention-advice' });
  entry.errorCode = h('span', { class: 'error-code' });
  entry.error = h('p', { class: 'attention-error' });
  entry.sync = h('button', { type: 'button', class: 'primary', onclick: () => actions.sync(entry.connection) }, 'Sync now');
  entry.replace = h('button', { type: 'button', 'aria-haspopup': 'dialog', onclick: () => actions.replaceKey(entry.connection) },
    'Replace key');
  entry.root = h('li', { class: 'attention-item' },
    h('p', {}, entry.title, ' — Stopped: automatic syncs are off until you act.'),
    entry.advice, entry.error,
    h('div', { class: 'attention-actions' }, entry.sync, entry.replace));
  return entry;
}

function updateEntry(entry, connection) {
  entry.connection = connection;
  entry.root.dataset.connectionId = connection.id;
  const title = titleOf(connection);
  entry.title.textContent = title;
  entry.advice.textContent = stoppedAdvice(connection);
  const error = connection.lastError;
  entry.error.replaceChildren(...(error ? [`${error.message || 'The last sync failed.'} `, entry.errorCode] : []));
  entry.errorCode.textContent = error && error.code ? `(${error.code})` : '';
  show(entry.error, Boolean(error));
  // The words the button shows, then which connection (WCAG 2.5.3, label in name).
  entry.sync.setAttribute('aria-label', `Sync now: ${title}`);
  entry.replace.setAttribute('aria-label', `Replace key: ${title}`);
}
