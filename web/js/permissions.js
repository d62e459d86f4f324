// The warning for keys that need a look: they can do more than read, their rights cannot be checked, or they
// expire soon.

/**
 * The server's warning for the key (it knows which exchanges cannot be asked and when a key expires); else a
 * sentence naming what the key can do beyond reading; null for a read-only key with nothing to say.
 */
export function permissionWarning(permissions) {
  if (!permissions) return null;
  if (permissions.warning) return permissions.warning;
  const powers = [];
  if (permissions.canTrade) powers.push('trade');
  if (permissions.canWithdraw) powers.push('withdraw funds');
  if (powers.length === 0) return null;
  return `This key can ${powers.join(' and ')}. Holdfast only needs to read balances: ` +
    'create a read-only key on the exchange and connect that instead.';
}
