// Human times for ISO 8601 timestamps: "5 minutes ago", "in 25 minutes".

const UNITS = [
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

function amount(seconds) {
  for (const [unit, size] of UNITS) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return null;
}

/** "just now", "1 minute ago", "3 hours ago"; null for a missing or unreadable timestamp. */
export function ago(iso, now = Date.now()) {
  const at = Date.parse(iso || '');
  if (Number.isNaN(at)) return null;
  const span = amount(Math.max(0, (now - at) / 1000));
  return span ? `${span} ago` : 'just now';
}

/** "in 25 minutes", or "due now" once the moment has passed; null for a missing timestamp. */
export function until(iso, now = Date.now()) {
  const at = Date.parse(iso || '');
  if (Number.isNaN(at)) return null;
  const span = amount((at - now) / 1000);
  return span && at > now ? `in ${span}` : 'due now';
}

/** The local date and time, for a tooltip beside a relative time. */
export function exact(iso) {
  const at = Date.parse(iso || '');
  return Number.isNaN(at) ? '' : new Date(at).toLocaleString();
}
