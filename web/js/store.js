// What the signed-in person's pages show, loaded by the poller (poller.js) and read by every page.
//
// A value is null until its first answer arrives: pages show "Loading…" for null and their empty state only for a
// loaded empty list, so a slow network never flashes "No holdings yet".

/** The shared state. Read it freely; change it only through `update`, which tells the subscribers. */
export const store = {
  /** `{id, email, currency}` of the signed-in person, or null when signed out. */
  user: null,
  /** GET /exchanges/connections `connections`, or null until loaded. */
  connections: null,
  /** Holdings by connection id (GET /portfolios), or null until loaded. */
  holdings: null,
  /** Combined holdings across connections (GET /portfolios `totals`), or null until loaded. */
  totals: null,
  /** GET /portfolio (the valued portfolio), or null until loaded. */
  portfolio: null,
  /** Connection ids whose Sync now request is in flight. */
  syncing: new Set(),
  /** When the last refresh succeeded (ms since the epoch), or null. */
  refreshedAt: null,
  /** Why the last refresh failed (a message), or null when it succeeded. */
  refreshError: null,
};

const listeners = new Set();
let refresher = () => Promise.resolve();

/** Merges `changes` into the store and calls every subscriber with the store and the names that changed. */
export function update(changes) {
  Object.assign(store, changes);
  const changed = new Set(Object.keys(changes));
  for (const listener of listeners) listener(store, changed);
}

/** Calls `listener(store, changedNames)` after every update; returns the unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Empties every loaded value (sign-out), so the next person never sees the last one's data. */
export function reset() {
  update({ user: null, connections: null, holdings: null, totals: null, portfolio: null, syncing: new Set(),
    refreshedAt: null, refreshError: null });
}

/**
 * Asks for a refresh now (after a change the page made: a sync, a rename, a new key). `{holdings: true}` reloads the
 * holdings and the portfolio even if no connection looks changed. Resolves when the refresh is done.
 */
export function requestRefresh(options = {}) {
  return refresher(options);
}

/** Installs the function behind `requestRefresh` (the poller's). */
export function setRefresher(fn) {
  refresher = fn;
}
