// A test alert's outcome. POST /alerts/channels/{id}/test answers at once (202, pending) and the responder sends the
// alert in the background, bounded by the 10 s outbound timeout; so after the person's click the page reads that
// delivery back at 1, 3, 7 and 15 s and stops at the first settled answer. This is not polling (poller.js owns all
// periodic loading): it runs only for a click, sends at most four requests and ends by itself. A delivery still
// pending after that is left to the timer, and the outcome says so.
import { api } from './api.js';

const WAITS_MS = [1000, 2000, 4000, 8000];
/** The test delivery is the newest (or nearly): a short page of the log finds it. */
const LOG_PAGE = 20;

/** Whether a delivery has an outcome: delivered, or failed at least once (a retry may follow). */
export function isSettled(delivery) {
  return delivery.status !== 'pending' || (delivery.attempts || 0) > 0;
}

/**
 * The delivery `queued` ({id, status}) once it is settled, or as last seen when it is not within 15 s.
 * `stillWanted()` false (signed out, channel gone) stops early.
 */
export async function settledDelivery(queued, stillWanted) {
  let current = queued;
  for (const wait of WAITS_MS) {
    if (isSettled(current)) return current;
    await new Promise((resolve) => { setTimeout(resolve, wait); });
    if (!stillWanted()) return current;
    const log = await api('GET', `/alerts/deliveries?limit=${LOG_PAGE}`);
    current = (log.deliveries || []).find((entry) => entry.id === queued.id) || current;
  }
  return current;
}
