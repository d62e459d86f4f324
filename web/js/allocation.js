// Allocation by asset and by exchange: a bar per line, its share in words beside it. Shares are the API's
// (`assets[].share`) or exact percents of the exact subtotals; a bar's width is the only Number made of them.
import { byId, h, show } from './dom.js';
import { compare, percentOf, sum } from './decimal.js';
import { moneyText, roundedMoney, shareText } from './money.js';

/** How many assets get a bar of their own; the rest share one "Other" bar. */
const TOP_ASSETS = 6;

function bar(name, share, valueText, extra = null) {
  const fill = h('span', { class: 'bar-fill' });
  // A share is a percent string ("82.42"); the bar is at least a hairline so a tiny holding still shows.
  fill.style.width = share === null ? '0' : `${Math.max(0.5, Math.min(100, Number(share)))}%`;
  return h('li', { class: 'bar-row', 'data-name': name },
    h('span', { class: 'bar-name', text: name }),
    h('span', { class: 'bar-share', text: shareText(share) }),
    h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
    h('span', { class: 'bar-value muted', text: valueText }),
    extra);
}

/** Renders both lists for GET /portfolio's answer. */
export function renderAllocation(portfolio) {
  const currency = portfolio.currency;
  const valued = portfolio.assets.filter((a) => a.share !== null && a.share !== undefined && a.value !== null)
    .sort((a, b) => compare(b.valueExact, a.valueExact));
  const rows = valued.slice(0, TOP_ASSETS).map((a) => bar(a.asset, a.share, moneyText(a.value, currency),
    a.status === 'stale' ? h('span', { class: 'marker marker-stale', text: 'stale' }) : null));
  const rest = valued.slice(TOP_ASSETS);
  if (rest.length) {
    const share = sum(rest.map((a) => a.share));
    const value = sum(rest.map((a) => a.valueExact));
    rows.push(bar(`Other (${rest.length} assets)`, share, `${roundedMoney(value, currency)} ${currency}`));
  }
  byId('allocation-assets').replaceChildren(...rows);
  if (!rows.length) byId('allocation-assets').append(h('li', { class: 'muted', text: 'No priced holdings yet.' }));

  const total = portfolio.totalExact;
  const exchanges = [...portfolio.exchanges].sort((a, b) => {
    const x = a.subtotal.valueExact;
    const y = b.subtotal.valueExact;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return compare(y, x);
  });
  byId('allocation-exchanges').replaceChildren(...exchanges.map((e) => {
    const share = e.subtotal.valueExact === null ? null : percentOf(e.subtotal.valueExact, total);
    const missing = e.subtotal.unpricedCount;
    return bar(e.name, share, moneyText(e.subtotal.value, currency), missing
      ? h('span', { class: 'marker marker-unpriced', text: `${missing} without a price` }) : null);
  }));

  const unpriced = portfolio.assets.filter((a) => a.status === 'unpriced').length;
  const note = byId('allocation-note');
  note.textContent = unpriced
    ? `${unpriced} asset${unpriced === 1 ? '' : 's'} without a price ${unpriced === 1 ? 'is' : 'are'} not in the shares.`
    : '';
  show(note, unpriced > 0);
}
