// What state a connection is in, as a person needs to tell them apart (issue 14): working, failed but retrying on
// its own, stopped until the person acts, paused, or synced only by hand.

/** Intervals offered in the Edit dialog, in seconds (the API takes 60 to 86,400). */
export const INTERVAL_CHOICES = [
  [60, '1 minute'], [300, '5 minutes'], [900, '15 minutes'], [1800, '30 minutes'],
  [3600, '1 hour'], [21600, '6 hours'], [86400, '24 hours'],
];

/** "every 5 minutes", "every 6 hours", "every 90 seconds" for an interval in seconds. */
export function intervalText(seconds) {
  const known = INTERVAL_CHOICES.find(([value]) => value === seconds);
  if (known) return `every ${known[1]}`;
  if (seconds % 3600 === 0) return `every ${seconds / 3600} hours`;
  if (seconds % 60 === 0) return `every ${seconds / 60} minutes`;
  return `every ${seconds} seconds`;
}

/** "14:05" today, else "3 Dec, 14:05", in the browser's locale; null for a missing timestamp. */
export function clockTime(iso, now = new Date()) {
  const at = new Date(Date.parse(iso || ''));
  if (Number.isNaN(at.getTime())) return null;
  const time = at.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`;
}

/**
 * The connection's state: `kind` is one of 'stopped' (a credential or permission failure stopped automatic syncs:
 * the person must act), 'retrying' (the last sync failed; the timer tries again by itself), 'failed' (failed and
 * automatic sync is off), 'paused', 'manual' (automatic sync off) or 'active'; `text` is the badge's words.
 */
export function stateOf(connection) {
  if (connection.status === 'disabled') return { kind: 'paused', text: 'Paused' };
  if (connection.needsAttention) return { kind: 'stopped', text: 'Stopped: your action is needed' };
  if (connection.status === 'error') {
    if (connection.autoSync === false) return { kind: 'failed', text: 'Failed; automatic sync is off' };
    const at = clockTime(connection.nextSyncAt);
    return { kind: 'retrying', text: at ? `Failed, will retry at ${at}` : 'Failed, will retry' };
  }
  if (connection.autoSync === false) return { kind: 'manual', text: 'Automatic sync off' };
  return { kind: 'active', text: 'Active' };
}

const ORDER = { stopped: 0, retrying: 1, failed: 1 };

/** The connections with those needing action first, then failing ones, then the rest; otherwise as given. */
export function attentionFirst(connections) {
  const rank = (connection) => ORDER[stateOf(connection).kind] ?? 2;
  return connections.map((connection, index) => ({ connection, index }))
    .sort((a, b) => rank(a.connection) - rank(b.connection) || a.index - b.index)
    .map((entry) => entry.connection);
}

/** "Binance (Savings)", or the exchange's name alone when there is no label or it only repeats the name. */
export function titleOf(connection) {
  const name = connection.exchangeName || connection.exchange;
  return connection.label && connection.label !== name ? `${name} (${connection.label})` : name;
}

/**
 * What to do about a stopped connection, from the code of the failure that stopped it. Every answer ends with the
 * two ways out the banner offers: Sync now (the key was fixed on the exchange) or Replace key.
 */
export function stoppedAdvice(connection) {
  const name = connection.exchangeName || connection.exchange;
  const code = connection.lastError && connection.lastError.code;
  const fixed = `If you fixed it on ${name}, choose Sync now; otherwise replace the key.`;
  switch (code) {
    case 'invalid_credentials':
    case 'invalid_signature':
    case 'invalid_passphrase':
      return `${name} refused the stored key (revoked, expired or changed). ${fixed}`;
    case 'permission_denied':
      return `The key may no longer read balances. Give it read permission on ${name} and choose Sync now, or replace the key.`;
    case 'ip_not_allowed':
      return `${name} accepts the key only from other IP addresses. Allow this server's address on ${name} and choose Sync now, or replace the key.`;
    case 'region_restricted':
      return `${name} refuses this server's location. If that changed, choose Sync now; otherwise replace the key with one for the right region.`;
    default:
      return `Automatic syncs are stopped. ${fixed}`;
  }
}
