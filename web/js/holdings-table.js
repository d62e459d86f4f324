// The holdings table: every asset across connections, most valuable first, unpriced ones last. An unknown value
// is "—" with a "no price" marker, never 0; a stale one carries its as-of time; dust waits behind a toggle. Each
// asset's name is a button that opens a row of where it is held (holding-places.js), across the table's width so it
// reads on a phone too; it stays open across the poller's refreshes.
import { byId, h, show } from './dom.js';
import { placesOf } from './holding-places.js';
import { compare, group } from './decimal.js';
import { exact } from './time.js';
import { DUST_RULE, amountText, dustLimit, isDust, priceText, shareText } from './money.js';

let showDust = false;
let last = null;
/** The assets whose places are open: a refresh redraws the rows, and must not close what the person opened. */
const openAssets = new Set();

/** Wires the dust toggle. Call once. */
export function setUpHoldingsTable() {
  byId('dust-toggle').addEventListener('click', () => {
    showDust = !showDust;
    if (last) renderHoldings(...last);
  });
}

/** Forgets the toggle (sign-out). */
export function resetHoldingsTable() {
  showDust = false;
  last = null;
  openAssets.clear();
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

/**
 * The asset's row header: its name, and when the connections holding it are known (the holdings load with the
 * portfolio, but may not have yet) a button of that name that shows or hides the row of places below.
 */
function assetHeader(asset, placesRow) {
  if (!placesRow) return h('th', { scope: 'row', text: asset });
  const open = openAssets.has(asset);
  const toggle = h('button', { type: 'button', class: 'places-toggle', 'aria-expanded': String(open),
    'aria-controls': placesRow.id }, h('span', { class: 'caret', 'aria-hidden': 'true' }), asset);
  toggle.addEventListener('click', () => {
    const opening = toggle.getAttribute('aria-expanded') !== 'true';
    if (opening) openAssets.add(asset);
    else openAssets.delete(asset);
    toggle.setAttribute('aria-expanded', String(opening));
    placesRow.hidden = !opening;
  });
  return h('th', { scope: 'row' }, toggle);
}

/** The row under an asset's that lists where it is held, across the table's width; null when not known. */
function placesRowOf(asset, places, index) {
  if (places.length === 0) return null;
  return h('tr', { class: 'places-row', id: `places-${index}`, 'data-places-for': asset },
    h('td', { colspan: '5' }, h('ul', { class: 'places-list', 'aria-label': `Where ${asset} is held` },
      ...places.map((place) => h('li', {},
        h('span', { class: 'place-title', text: place.title }), ' ',
        h('span', { class: 'place-amount', text: place.amount }),
        place.wallets ? h('span', { class: 'place-wallets muted', text: ` (${place.wallets})` }) : null)))));
}

/**
 * Renders GET /portfolio's assets into #totals-body; `connections` and `holdings` (the store's, either may be null)
 * say where each asset is held.
 */
export function renderHoldings(portfolio, connections = null, holdings = null) {
  last = [portfolio, connections, holdings];
  const currency = portfolio.currency;
  const assets = sortedAssets(portfolio.assets);
  const dust = assets.filter((a) => isDust(a, currency));
  const rows = assets.flatMap((asset, index) => {
    const small = isDust(asset, currency);
    const placesRow = placesRowOf(asset.asset, placesOf(asset.asset, connections, holdings), index);
    const row = h('tr', { 'data-asset': asset.asset, 'data-status': asset.status, 'data-dust': small ? 'true' : null },
      assetHeader(asset.asset, placesRow),
      h('td', { class: 'num quantity', text: group(asset.quantity) }),
      h('td', { class: 'num price', title: asset.price ? `${asset.price} ${currency}` : null,
        text: priceText(asset.price, currency) }),
      valueCell(asset, currency),
      h('td', { class: 'num share', text: shareText(asset.share) }));
    row.hidden = small && !showDust;
    if (!placesRow) return [row];
    placesRow.hidden = row.hidden || !openAssets.has(asset.asset);
    return [row, placesRow];
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
