// A connection's sync log (GET /exchanges/connections/{id}/syncs, the newest 50): loaded each time it is opened,
// never polled, so an open log costs nothing while the page sits idle.
import { api } from './api.js';
import { h, show } from './dom.js';
import { exact } from './time.js';

const TRIGGERS = { connect: 'Connect', manual: 'Sync now', scheduled: 'Automatic' };

/**
 * A <details> element holding the sync log of the connection `connectionOf()` returns; `titleOf()` names it for
 * the table's caption.
 */
export function syncLogDetails(connectionOf, titleOf) {
  const summary = h('summary', {}, 'Sync log');
  const status = h('p', { class: 'muted sync-log-status', role: 'status' });
  const body = h('tbody');
  const caption = h('caption', { class: 'sr-only' });
  const table = h('table', { class: 'sync-log-table', hidden: true }, caption,
    h('thead', {}, h('tr', {}, ...['Time', 'Trigger', 'Outcome', 'Error', 'Duration', 'Assets']
      .map((name) => h('th', { scope: 'col', text: name })))),
    body);
  // On a phone the table scrolls sideways inside its box (never the page); a scrollable box must take focus so a
  // keyboard can scroll it.
  const wrapper = h('div', { class: 'table-scroll', tabindex: '0', role: 'group', 'aria-label': 'Sync log table' }, table);
  const details = h('details', { class: 'sync-log' }, summary, status, wrapper);
  show(wrapper, false);
  let loading = 0;
  details.addEventListener('toggle', async () => {
    if (!details.open) return;
    const connection = connectionOf();
    const request = ++loading;
    status.textContent = 'Loading the sync log…';
    show(status, true);
    try {
      const answer = await api('GET', `/exchanges/connections/${encodeURIComponent(connection.id)}/syncs`);
      if (request !== loading) return;
      const syncs = answer.syncs || [];
      caption.textContent = `Sync log of ${titleOf(connection)}, newest first`;
      wrapper.setAttribute('aria-label', `Sync log of ${titleOf(connection)}`);
      body.replaceChildren(...syncs.map(row));
      show(table, syncs.length > 0);
      show(wrapper, syncs.length > 0);
      status.textContent = syncs.length === 0 ? 'No syncs yet.' : '';
      show(status, syncs.length === 0);
    } catch (error) {
      if (request !== loading || error.status === 401) return;
      status.textContent = `Could not load the sync log: ${error.message}`;
      show(wrapper, false);
    }
  });
  return details;
}

function row(sync) {
  const failed = sync.outcome !== 'success';
  // A log is read as a sequence: clock times tell its rows apart where "just now" would not.
  const time = h('time', { datetime: sync.startedAt, title: exact(sync.startedAt), text: when(sync.startedAt) });
  return h('tr', { 'data-outcome': sync.outcome },
    h('td', {}, time),
    h('td', { text: TRIGGERS[sync.trigger] || sync.trigger }),
    h('td', { class: failed ? 'outcome-failure' : 'outcome-success', text: failed ? 'Failed' : 'Succeeded' }),
    h('td', { class: 'error-code', text: sync.errorCode || '' }),
    h('td', { class: 'num', text: duration(sync.durationMs) }),
    // Unknown (a failed sync counts none) is a dash, never 0.
    h('td', { class: 'num', text: typeof sync.assetCount === 'number' ? String(sync.assetCount) : '—' }));
}

/** "1 Dec, 14:05:09" in the browser's locale; the ISO text when unreadable. */
function when(iso) {
  const at = new Date(Date.parse(iso || ''));
  if (Number.isNaN(at.getTime())) return iso || '—';
  return at.toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

/** "850 ms", "2.4 s", "1 min 5 s". */
function duration(ms) {
  if (typeof ms !== 'number') return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
