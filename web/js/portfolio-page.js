// The Portfolio page: what the holdings are worth, first thing after sign-in.
import { byId, h, show } from './dom.js';
import { exact } from './time.js';
import { store, subscribe } from './store.js';

/** Renders the page on every store change. Call once. */
export function mountPortfolioPage() {
  subscribe(render);
  render(store);
}

function render(state) {
  const portfolio = state.portfolio;
  show(byId('portfolio-loading'), Boolean(state.user) && portfolio === null);
  show(byId('portfolio-summary'), portfolio !== null);
  if (portfolio) {
    // An unknown total is "—", never 0 (the API sends null when nothing could be priced).
    byId('portfolio-total').textContent = portfolio.total === null || portfolio.total === undefined
      ? '—' : `${portfolio.total} ${portfolio.currency}`;
    const asOf = byId('portfolio-as-of');
    asOf.textContent = portfolio.asOf ? `as of ${exact(portfolio.asOf)}` : '';
  }
  renderTotals(state.totals);
}

/** The combined holdings across connections, as the API computed them; "Loading…" while unknown. */
function renderTotals(totals) {
  const rows = totals || [];
  byId('totals-body').replaceChildren(...rows.map((holding) => h('tr', { 'data-asset': holding.asset },
    h('th', { scope: 'row', text: holding.asset }), h('td', { class: 'amount', text: String(holding.amount) }))));
  show(byId('totals-table'), rows.length > 0);
  const empty = byId('totals-empty');
  empty.textContent = totals === null ? 'Loading…' : 'No holdings yet.';
  show(empty, rows.length === 0);
}
