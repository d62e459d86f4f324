// The supported exchanges (GET /exchanges/supported), loaded once and shared by the Connect and Edit dialogs.
import { api } from './api.js';

let supported = null;

/** The supported exchanges, fetched on first use; throws the ApiError when they cannot be loaded. */
export async function loadSupported() {
  if (!supported) {
    const data = await api('GET', '/exchanges/supported');
    supported = data.exchanges || [];
  }
  return supported;
}

/** The already-loaded exchange with this id, or null (before the first load, or an id no longer supported). */
export function exchangeInfo(id) {
  return (supported || []).find((exchange) => exchange.id === id) || null;
}

/** Whether `exchange` (an entry of the list) asks for a passphrase. */
export function needsPassphrase(exchange) {
  return Boolean(exchange && (exchange.requiresPassphrase || (exchange.credentialFields || []).includes('passphrase')));
}
