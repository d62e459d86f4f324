// Words for the alert API's values (channel kinds, events, delivery statuses), shared by the channel list and the
// delivery log.
import { until } from './time.js';

/** A channel kind as the page names it. */
export const KIND_NAMES = { webhook: 'Webhook', ntfy: 'ntfy' };

const EVENT_NAMES = {
  'connection.needs_attention': 'Needs attention',
  'connection.key_expiring': 'Key expiring',
  'connection.stale': 'Not synced for too long',
  'connection.recovered': 'Recovered',
  test: 'Test alert',
};

const STATUS_NAMES = { delivered: 'Delivered', failed: 'Failed', pending: 'Pending' };

/** An event name (connection.stale) as words; an unknown event is shown as it is. */
export function eventName(event) {
  return EVENT_NAMES[event] || event || '—';
}

/** A delivery status (delivered, failed, pending) as a word. */
export function statusName(status) {
  return STATUS_NAMES[status] || status || '—';
}

/** "Failed (target_timeout)": a status with its error code, when there is one. */
export function statusWithCode(status, errorCode) {
  return errorCode ? `${statusName(status)} (${errorCode})` : statusName(status);
}

/**
 * What a test delivery's outcome says: `{kind, text}` where kind is success, error or pending. A pending one has not
 * been delivered yet (the timer sends or retries it), and says why when an attempt failed, and when it is next tried.
 */
export function testOutcome(delivery) {
  if (delivery.status === 'delivered') return { kind: 'success', text: 'Test alert delivered.' };
  const next = delivery.nextAttemptAt ? ` Next try ${nextTry(delivery.nextAttemptAt)}.` : '';
  const why = [delivery.errorCode, delivery.errorMessage].filter(Boolean).join(': ');
  if (delivery.status === 'failed') {
    const retry = delivery.nextAttemptAt ? ` Holdfast tries again ${nextTry(delivery.nextAttemptAt)}.` : '';
    return { kind: 'error', text: `Test alert failed${why ? ` — ${why}` : ''}.${retry}` };
  }
  // Pending after a failed attempt: it will be retried, but the person should see why it did not arrive.
  if (why) return { kind: 'error', text: `Test alert not delivered yet — ${why}.${next}` };
  return { kind: 'pending', text: `Test alert queued, not delivered yet: the timer sends it.${next} The delivery log shows when it goes out.` };
}

/** When a retry is due: "in 5 minutes", or "shortly" once the time is under a minute away or has passed (the timer
 * runs every minute). */
export function nextTry(iso) {
  const text = until(iso);
  return text === 'due now' ? 'shortly' : text;
}

/** The host of a URL (for naming a channel in a narrow table), or the URL itself when it does not parse. */
export function hostOf(url) {
  try { return new URL(url).host || url; } catch { return url; }
}
