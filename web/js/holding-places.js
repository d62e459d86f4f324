// Where an asset of the portfolio is held: each connection holding it, with its amount and, when the asset sits in
// more than one wallet there, each wallet's part. The holdings are those the Connections page lists
// (GET /portfolios, loaded by the poller); the portfolio itself (GET /portfolio) gives only the combined quantity.
import { group } from './decimal.js';
import { titleOf } from './connection-state.js';

/**
 * The places of `asset`: `[{title, amount, wallets}]` in the connections' order, where `wallets` is
 * `"spot 0.3 · earn 0.2"` or null for a single wallet. Empty while the holdings are not loaded.
 * `holdings` is the store's Map of connection id to that connection's holdings.
 */
export function placesOf(asset, connections, holdings) {
  if (!connections || !holdings) return [];
  const places = [];
  for (const connection of connections) {
    const held = (holdings.get(connection.id) || []).find((holding) => holding.asset === asset);
    if (!held) continue;
    const wallets = held.wallets || [];
    places.push({
      title: titleOf(connection),
      amount: group(String(held.amount)),
      wallets: wallets.length > 1 ? wallets.map((w) => `${w.wallet} ${group(String(w.total))}`).join(' · ') : null,
    });
  }
  return places;
}
