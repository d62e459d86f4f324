// The alert delivery log (GET /alerts/deliveries?limit=50, newest first): loaded each time it is opened and by its
// Reload button, never polled.
import { api } from './api.js';
import { byId, h, show } from './dom.js';
import { KIND_NAMES, eventName, hostOf, nextTry, statusName } from './alert-names.js';
import { exact } from './time.js';

let generation = 0;
let channelOf = () => null;

/** Wires the log. `channelById(id)` names a delivery's channel (null when it was deleted). Call once. */
export function setUpDeliveryLog({ channelById }) {
  channelOf = channelById;
  const details = byId('delivery-log');
  details.addEventListener('toggle', () => { if (details.open) loadDeliveries(); });
  byId('delivery-reload').addEventListener('click', loadDeliveries);
}

/** Reloads the log if it is open (after a test alert, or a Reload of the page). */
export function reloadDeliveriesIfOpen() {
  return byId('delivery-log').open ? loadDeliveries() : Promise.resolve();
}

/** Closes and empties the log (sign-out). */
export function clearDeliveryLog() {
  generation += 1;
  byId('delivery-log').open = false;
  byId('delivery-body').replaceChildren();
  show(byId('delivery-table'), false);
  show(byId('delivery-reload'), false);
  byId('delivery-status').textContent = '';
}

async function loadDeliveries() {
  const mine = ++generation;
  const status = byId('delivery-status');
  status.textContent = 'Loading the delivery log…';
  try {
    const answer = await api('GET', '/alerts/deliveries?limit=50');
    if (mine !== generation) return;
    const deliveries = answer.deliveries || [];
    byId('delivery-body').replaceChildren(...deliveries.map(row));
    show(byId('delivery-table'), deliveries.length > 0);
    status.textContent = deliveries.length === 0 ? 'No alerts sent yet.'
      : `The last ${deliveries.length} deliver${deliveries.length === 1 ? 'y' : 'ies'}, newest first.`;
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    status.textContent = `Could not load the delivery log: ${error.message}`;
  } finally {
    if (mine === generation) show(byId('delivery-reload'), true);
  }
}

function row(delivery) {
  const channel = channelOf(delivery.channelId);
  const channelText = channel ? `${KIND_NAMES[channel.kind] || channel.kind} · ${hostOf(channel.url)}` : 'a deleted channel';
  const retry = delivery.status !== 'delivered' && delivery.nextAttemptAt ? `, next try ${nextTry(delivery.nextAttemptAt)}` : '';
  const error = [delivery.errorCode, delivery.errorMessage].filter(Boolean).join(': ');
  return h('tr', { 'data-delivery-id': delivery.id, 'data-status': delivery.status },
    h('td', {}, h('time', { datetime: delivery.createdAt, title: exact(delivery.createdAt), text: when(delivery.createdAt) })),
    h('td', { text: eventName(delivery.event) }),
    h('td', { class: 'wrap', title: channel ? channel.url : '', text: channelText }),
    h('td', { class: `delivery-status status-${delivery.status}`, text: statusName(delivery.status) + retry }),
    h('td', { class: 'num', text: String(delivery.attempts ?? '—') }),
    h('td', { class: 'wrap', text: error || '—' }));
}

/** A compact local date and time: a log is read as a sequence, so clock times, not "just now". */
function when(iso) {
  const at = Date.parse(iso || '');
  if (Number.isNaN(at)) return '—';
  return new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
