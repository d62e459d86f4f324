// The holdings table: every asset across connections, most valuable first, unpriced ones last. An unknown value
// is "—" with a "no price" marker, never 0; a stale one carries its as-of time; dust waits behind a toggle.
import { byId, h, show } from './dom.js';
import { compare, group } from './decimal.js';
import { exact } from './time.js';
import { DUST_RULE, amountText, dustLimit, isDust, priceText, shareText } from './money.js';

let showDust = false;
let last = null;

/** Wires the dust toggle. Call once. */
export function setUpHoldingsTable() {
  byId('dust-toggle').addEventListener('click', () => {
    showDust = !showDust;
    if (last) renderHoldings(last);
  });
}

/** Forgets the toggle (sign-out). */
export function resetHoldingsTable() {
  showDust = false;
  last = null;
}

/** Priced and stale assets by value (highest first), then the unpriced ones by name. */
export function sortedAssets(assets) {
  const known = (a) => a.status !== 'unpriced' && a.valueExact !== null && a.valueExact !== undefined;
  return [...assets].sort((a, b) => {
    if (known(a) !== known(b)) return known(a) ? -1 : 1;
    if (known(a)) return compare(b.valueExact, a.valueExact) || a.asset.localeCompare(b.asset);
    return a.asset.localeCompare(b.asset);
  });
}

function valueCell(asset, currency) {
  if (asset.status === 'unpriced' || asset.value === null || asset.value === undefined) {
    const why = (asset.notes && asset.notes[0]) || 'no market price';
    return h('td', { class: 'num value', title: why }, h('span', { 'aria-hidden': 'true', text: '—' }),
      h('span', { class: 'sr-only', text: 'unknown' }), ' ',
      h('span', { class: 'marker marker-unpriced', text: 'no price' }));
  }
  const cell = h('td', { class: 'num value', text: amountText(asset.value) });
  cell.title = `${asset.valueExact} ${currency}`;
  if (asset.status === 'stale') {
    cell.append(' ', h('span', { class: 'marker marker-stale', title: `Price as of ${exact(asset.asOf)}`,
      text: asset.asOf ? `stale, as of ${exact(asset.asOf)}` : 'stale' }));
  }
  return cell;
}

/** Renders GET /portfolio's assets into #totals-body. */
export function renderHoldings(portfolio) {
  last = portfolio;
  const currency = portfolio.currency;
  const assets = sortedAssets(portfolio.assets);
  const dust = assets.filter((a) => isDust(a, currency));
  const rows = assets.map((asset) => {
    const small = isDust(asset, currency);
    const row = h('tr', { 'data-asset': asset.asset, 'data-status': asset.status, 'data-dust': small ? 'true' : null },
      h('th', { scope: 'row', text: asset.asset }),
      h('td', { class: 'num quantity', text: group(asset.quantity) }),
      h('td', { class: 'num price', title: asset.price ? `${asset.price} ${currency}` : null,
        text: priceText(asset.price, currency) }),
      valueCell(asset, currency),
      h('td', { class: 'num share', text: shareText(asset.share) }));
    row.hidden = small && !showDust;
    return row;
  });
  byId('totals-body').replaceChildren(...rows);
  show(byId('totals-table'), rows.length > 0);
  const empty = byId('totals-empty');
  empty.textContent = 'No holdings yet: a connection\'s first sync fills this table.';
  show(empty, rows.length === 0);

  const toggle = byId('dust-toggle');
  const count = dust.length;
  toggle.textContent = showDust ? `Hide ${count} small balance${count === 1 ? '' : 's'}`
    : `Show ${count} small balance${count === 1 ? '' : 's'}`;
  toggle.setAttribute('aria-expanded', String(showDust));
  show(toggle, count > 0);
  const help = byId('dust-help');
  help.textContent = `${DUST_RULE} Now: under ${dustLimit(currency)} ${currency}.`;
  show(help, count > 0);
}
