// What a failed key check means, in words that never blame the key when the key was not checked.
//
// A key is judged only when the exchange answered about it. An exchange that could not be reached (no connection,
// a timeout, a 5xx, maintenance) or that asked Holdfast to slow down gave no verdict: saying "the exchange refused
// these credentials" then sends people off to make a new key for nothing (issue 14, "Honest errors").

/** Codes after which the key was not checked at all: the exchange gave no verdict on it. */
const UNCHECKED = new Set(['exchange_unavailable', 'timeout', 'bad_response', 'service_unavailable', 'request_timeout']);

/**
 * The headline for a failed test, connect or key replacement on `exchangeName`: `code` is the API's error code,
 * `status` the HTTP status (0 for no answer, 200 for /exchanges/test's `success: false`).
 */
export function failureTitle(code, status, exchangeName) {
  const name = exchangeName || 'the exchange';
  // No answer at all: the browser did not reach Holdfast, so nothing reached the exchange either.
  if (status === 0) return "Couldn't reach Holdfast; your key was not checked.";
  // Holdfast's own request limit (nginx), not the exchange's.
  if (status === 429) return 'Too many requests to Holdfast; your key was not checked. Wait a minute and try again.';
  if (UNCHECKED.has(code) || (status >= 500 && code !== 'rate_limited')) {
    return `Couldn't reach ${name}; your key was not checked.`;
  }
  switch (code) {
    case 'rate_limited': return `${name} asked Holdfast to slow down; your key was not checked.`;
    case 'clock_skew': return `The clocks of Holdfast and ${name} disagree; your key was not checked.`;
    case 'nonce_conflict': return `${name} refused a repeated request number; try again.`;
    case 'region_restricted': return "The exchange refuses this server's location.";
    case 'invalid_key_format': return 'This key cannot be used as entered.';
    case 'permission_denied': return `This key may not read balances on ${name}.`;
    case 'ip_not_allowed': return `${name} accepts this key only from other IP addresses.`;
    // The server's own words (ExchangeHandlers.rejectDuplicate), so detailAfter drops its copy: said once.
    case 'conflict': return `This ${name} API key is already connected.`;
    case 'read_only_key_required': return 'This server accepts only read-only keys.';
    default: return `${name} refused these credentials.`;
  }
}

/**
 * The server's message without a first sentence that only repeats `title` (the rekey API's 503 starts with it),
 * so the dialog does not say the same thing twice.
 */
export function detailAfter(title, message) {
  if (!message) return '';
  const text = String(message);
  return text.startsWith(title) ? text.slice(title.length).trim() : text;
}
