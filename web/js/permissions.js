// The warning for keys that can do more than read.

/** A sentence naming what the key can do beyond reading, or null for a read-only (or unknown) key. */
export function permissionWarning(permissions) {
  if (!permissions) return null;
  const powers = [];
  if (permissions.canTrade) powers.push('trade');
  if (permissions.canWithdraw) powers.push('withdraw funds');
  if (powers.length === 0) return null;
  return `This key can ${powers.join(' and ')}. Holdfast only needs to read balances: ` +
    'create a read-only key on the exchange and connect that instead.';
}
