// The summary at the top of the Portfolio page: the total in the person's currency, when it was valued, how
// complete it is in words ("2 of 3 connections current; Kraken failed, last synced 2 hours ago"), and the change
// over 24 h, 7 d and 30 d.
import { byId, h, show } from './dom.js';
import { ago, exact } from './time.js';
import { amountText, displayDigits, roundedMoney, signedText } from './money.js';
import { CHANGE_PERIODS, changeOver } from './history.js';
import { round } from './decimal.js';

function connectionName(entry, connections) {
  const known = (connections || []).find((c) => c.id === entry.id);
  const name = known ? known.exchangeName || known.exchange : entry.label || entry.exchange;
  return known && known.label ? `${name} (${known.label})` : name;
}

/** The completeness sentence for GET /portfolio's answer and the connections list (for names and errors). */
export function completenessText(portfolio, connections) {
  const entries = portfolio.connections || [];
  const current = entries.filter((c) => c.freshness === 'current').length;
  const parts = [`${current} of ${entries.length} connection${entries.length === 1 ? '' : 's'} current`];
  // One short clause per connection that is not current: what state it is in and when it last synced. The error
  // itself is on the Connections page (a sentence per exchange here would bury the total).
  for (const entry of entries) {
    if (entry.freshness === 'current') continue;
    const name = connectionName(entry, connections);
    const since = entry.lastSyncAt ? `last synced ${ago(entry.lastSyncAt)}` : 'never synced';
    const known = (connections || []).find((c) => c.id === entry.id);
    if (entry.freshness === 'failed' && known && known.needsAttention) {
      parts.push(`${name} stopped, needs your action (${since})`);
    } else if (entry.freshness === 'failed') {
      parts.push(`${name} failed, will retry (${since})`);
    } else if (entry.freshness === 'paused') {
      parts.push(`${name} paused (${since})`);
    } else {
      parts.push(`${name} out of date (${since})`);
    }
  }
  const unpriced = portfolio.unpricedCount || 0;
  const stale = portfolio.staleCount || 0;
  if (unpriced) parts.push(`${unpriced} asset${unpriced === 1 ? '' : 's'} without a price (not in the total)`);
  if (stale) parts.push(`${stale} asset${stale === 1 ? '' : 's'} priced with an old quote`);
  return parts.join('; ') + '.';
}

/** Renders the total, its time and its completeness. */
export function renderSummary(portfolio, connections) {
  const currency = portfolio.currency;
  byId('portfolio-total').textContent = amountText(portfolio.total);
  byId('portfolio-currency').textContent = currency;
  const note = byId('portfolio-total-note');
  // An unknown total is "—" and says why, never 0.
  note.textContent = portfolio.total === null || portfolio.total === undefined
    ? 'Unknown: none of your holdings has a price yet.' : '';
  show(note, portfolio.total === null || portfolio.total === undefined);
  const asOf = byId('portfolio-as-of');
  const at = portfolio.asOf || portfolio.valuedAt;
  asOf.textContent = at ? `as of ${exact(at)}` : '';
  asOf.title = portfolio.asOf ? 'The time of the oldest price in the total' : '';
  const complete = byId('portfolio-completeness');
  complete.textContent = completenessText(portfolio, connections);
  complete.dataset.complete = String(Boolean(portfolio.completeness && portfolio.completeness.complete));
  // A stopped connection stays stopped until its person acts: say so here too, with the way to the fix.
  const stopped = (connections || []).filter((connection) => connection.needsAttention).length;
  const attention = byId('portfolio-attention');
  attention.firstElementChild.textContent = stopped === 1 ? '1 connection needs your attention →'
    : `${stopped} connections need your attention →`;
  show(attention, stopped > 0);
}

/**
 * Renders the changes over 24 h, 7 d and 30 d from `history` (hourly points, see history.js `changesPath`);
 * `history` null means still loading; `history.error` says why it could not be loaded.
 */
export function renderChanges(portfolio, history, now = Date.now()) {
  const list = byId('portfolio-changes');
  const currency = portfolio.currency;
  const items = CHANGE_PERIODS.map((period) => {
    let amount = 'Loading…';
    let percent = '';
    let direction = 'none';
    let title = '';
    if (history) {
      const change = changeOver(history.points, currency, portfolio.totalExact, period.seconds, now);
      if (change) {
        amount = `${signedText(round(change.amount, displayDigits(currency)))} ${currency}`;
        percent = change.percent === null ? '' : `${signedText(change.percent)} %`;
        direction = change.amount.startsWith('-') ? 'down' : /[1-9]/.test(change.amount) ? 'up' : 'none';
        title = `From ${roundedMoney(change.point.valueExact, currency)} ${currency} at ${exact(change.point.time)}`
          + (change.point.complete ? '' : ' (a partial point)');
      } else {
        amount = '—';
        title = history.error ? `Could not load the history: ${history.error}`
          : `No value recorded ${period.label} ago yet`;
      }
    }
    return h('div', { class: 'change', 'data-period': period.id, 'data-direction': direction, title: title || null },
      h('dt', { text: period.label }),
      h('dd', { class: 'change-amount', text: amount }),
      percent ? h('dd', { class: 'change-percent', text: percent }) : null,
      amount === '—' ? h('dd', { class: 'sr-only', text: title }) : null);
  });
  list.replaceChildren(...items);
}
