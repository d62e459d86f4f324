// Files for other trackers: the combined links are in the page's markup; this draws one Wealthfolio CSV link per
// connection (GET /feeds/wealthfolio.csv?connection=ID), from the connections the poller keeps in the store.
import { byId, h, show } from './dom.js';
import { titleOf } from './connection-state.js';

const WEALTHFOLIO = '/api/v1/feeds/wealthfolio.csv';

/** Draws the per-connection links for `connections` (null: not loaded yet). */
export function renderFeedDownloads(connections) {
  const list = byId('wealthfolio-each');
  const empty = byId('wealthfolio-each-empty');
  if (connections === null) {
    list.replaceChildren();
    empty.textContent = 'Loading your connections…';
    show(empty, true);
    return;
  }
  empty.textContent = 'No connections yet.';
  show(empty, connections.length === 0);
  list.replaceChildren(...connections.map((connection) => h('li', {},
    h('a', { class: 'button-link', href: `${WEALTHFOLIO}?connection=${encodeURIComponent(connection.id)}`, download: true,
      'data-connection-id': connection.id },
    `Wealthfolio CSV: ${titleOf(connection)}`))));
}
