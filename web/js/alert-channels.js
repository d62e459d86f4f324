// The alert channels (GET/POST/DELETE /alerts/channels): the list with each channel's last delivery, "Send test
// alert" with its outcome, delete, and the form that adds a webhook or an ntfy topic. Loaded when the page opens
// (feeds-page.js), never polled.
import { api } from './api.js';
import { byId, h, show } from './dom.js';
import { confirmAction } from './dialogs.js';
import { setFieldError, showResult, setBusy } from './form-messages.js';
import { showFieldErrors, clearFieldErrors } from './api-field-errors.js';
import { showWebhookSecret } from './webhook-secret.js';
import { KIND_NAMES, eventName, statusWithCode, testOutcome } from './alert-names.js';
import { settledDelivery } from './delivery-outcome.js';
import { ago, exact } from './time.js';
import { toast } from './toast.js';
import { store } from './store.js';

const CONTROLS = { kind: 'channel-kind', url: 'channel-url', token: 'channel-token' };
/** The API's limit per person (the page's #channel-limit note says it too). */
const MAX_CHANNELS = 10;
const KIND_HINTS = {
  webhook: 'Holdfast POSTs JSON to this URL, signed with a secret shown once after you add it.',
  ntfy: 'The topic\'s URL, such as https://ntfy.sh/your-topic: Holdfast posts a short message to it.',
};

/** The loaded channels, or null before the first answer. */
let channels = null;
/** Only the latest load counts (a Reload while one runs). */
let generation = 0;
/** The last test outcome per channel id, `{kind, text}`: kept when the list is drawn again. */
const outcomes = new Map();
/** Channel ids whose test request is in flight. */
const testing = new Set();
/** List items by channel id: updated in place, so a focused button keeps its focus across a reload. */
const items = new Map();
let afterTest = () => {};

/** Wires the add form. `onTested()` runs after a test alert (the delivery log reloads if open). Call once. */
export function setUpChannels({ onTested = () => {} } = {}) {
  afterTest = onTested;
  byId('channel-kind').addEventListener('change', kindChanged);
  byId('channel-form').addEventListener('submit', addChannel);
  kindChanged();
}

/** The channel with this id, or null (the delivery log names channels with it). */
export function channelById(id) {
  return (channels || []).find((channel) => channel.id === id) || null;
}

/** Loads the channel list and draws it; a failure is said above the list (the last list stays). */
export async function loadChannels() {
  const mine = ++generation;
  show(byId('channels-error'), false);
  try {
    const answer = await api('GET', '/alerts/channels');
    if (mine !== generation || !store.user) return;
    channels = answer.channels || [];
    render();
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    show(byId('channels-loading'), false);
    byId('channels-error').textContent = `Could not load your alert channels: ${error.message}`;
    show(byId('channels-error'), true);
  }
}

/** Forgets everything shown (sign-out), so the next person never sees it. */
export function clearChannels() {
  generation += 1;
  channels = null;
  outcomes.clear();
  testing.clear();
  items.clear();
  byId('channel-list').replaceChildren();
  show(byId('channels-loading'), true);
  show(byId('channels-empty'), false);
  show(byId('channels-error'), false);
  show(byId('channel-limit'), false);
  byId('channel-submit').disabled = false;
  byId('channel-form').reset();
  clearFieldErrors(CONTROLS);
  show(byId('channel-result'), false);
  kindChanged();
}

function kindChanged() {
  const kind = byId('channel-kind').value;
  byId('channel-kind-hint').textContent = KIND_HINTS[kind];
  show(byId('channel-token-row'), kind === 'ntfy');
  byId('channel-url').placeholder = kind === 'ntfy' ? 'https://ntfy.sh/your-topic' : 'https://example.com/holdfast-hook';
  if (kind !== 'ntfy') byId('channel-token').value = '';
}

function render() {
  const list = byId('channel-list');
  show(byId('channels-loading'), false);
  show(byId('channels-empty'), channels.length === 0);
  const ids = new Set(channels.map((channel) => channel.id));
  for (const [id, item] of items) {
    if (!ids.has(id)) { item.remove(); items.delete(id); outcomes.delete(id); }
  }
  channels.forEach((channel, index) => {
    settleQueuedTest(channel);
    let item = items.get(channel.id);
    if (!item) { item = newItem(channel); items.set(channel.id, item); }
    fillItem(item, channel);
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
  });
  const full = channels.length >= MAX_CHANNELS;
  byId('channel-submit').disabled = full;
  show(byId('channel-limit'), full);
}

/** A channel's list item: the parts that change are filled by fillItem; the buttons stay the same elements. */
function newItem(channel) {
  const test = h('button', { type: 'button', 'data-action': 'test' }, 'Send test alert');
  const remove = h('button', { type: 'button', class: 'danger', 'data-action': 'delete' }, 'Delete');
  test.addEventListener('click', () => sendTest(channel.id));
  remove.addEventListener('click', () => deleteChannel(channel.id));
  return h('li', { class: 'channel', 'data-channel-id': channel.id },
    h('div', { class: 'channel-head' },
      h('span', { class: 'channel-kind badge' }),
      h('span', { class: 'channel-url' })),
    h('p', { class: 'channel-meta small' }),
    h('p', { class: 'channel-last small' }),
    h('div', { class: 'channel-actions' }, test, remove),
    h('p', { class: 'channel-outcome small', role: 'status', hidden: true }));
}

function fillItem(item, channel) {
  const kind = KIND_NAMES[channel.kind] || channel.kind;
  item.querySelector('.channel-kind').textContent = kind;
  item.querySelector('.channel-url').textContent = channel.url;
  const meta = [channel.enabled === false ? 'Disabled' : null,
    channel.kind === 'ntfy' ? (channel.hasToken ? 'with an access token' : 'no access token') : 'signed (HMAC-SHA256)',
    channel.createdAt ? `added ${ago(channel.createdAt)}` : null].filter(Boolean);
  item.querySelector('.channel-meta').textContent = meta.join(' · ');
  const last = item.querySelector('.channel-last');
  const delivery = channel.lastDelivery;
  last.dataset.status = delivery ? delivery.status : 'none';
  last.textContent = delivery
    ? `Last delivery: ${statusWithCode(delivery.status, delivery.errorCode)} — ${eventName(delivery.event)}, ${ago(delivery.at) || 'at an unknown time'}`
    : 'Last delivery: none yet';
  last.title = delivery ? exact(delivery.at) : '';
  const name = `${kind} ${channel.url}`;
  item.querySelector('[data-action="test"]').setAttribute('aria-label', `Send test alert to ${name}`);
  item.querySelector('[data-action="delete"]').setAttribute('aria-label', `Delete ${name}`);
  const outcome = outcomes.get(channel.id);
  const note = item.querySelector('.channel-outcome');
  show(note, Boolean(outcome));
  note.dataset.kind = outcome ? outcome.kind : '';
  note.textContent = outcome ? outcome.text : '';
}

/** A test alert shown as queued that the channel's last delivery now shows sent (by the timer): its outcome. */
function settleQueuedTest(channel) {
  const outcome = outcomes.get(channel.id);
  const last = channel.lastDelivery;
  if (!outcome || outcome.kind !== 'pending' || testing.has(channel.id)) return;
  if (last && last.event === 'test' && last.status !== 'pending') outcomes.set(channel.id, testOutcome(last));
}

function setOutcome(id, outcome) {
  outcomes.set(id, outcome);
  const channel = channelById(id);
  const item = items.get(id);
  if (channel && item) fillItem(item, channel);
}

/**
 * Sends a test alert: the API queues it and the responder sends it at once in the background (within 10 s), so its
 * outcome is read back a few times (delivery-outcome.js); one still pending after that is left to the timer.
 */
async function sendTest(id) {
  if (testing.has(id)) return;
  testing.add(id);
  const button = items.get(id)?.querySelector('[data-action="test"]');
  // aria-disabled, not disabled: a disabled button drops keyboard focus.
  button?.setAttribute('aria-disabled', 'true');
  setOutcome(id, { kind: 'pending', text: 'Sending a test alert…' });
  try {
    const answer = await api('POST', `/alerts/channels/${encodeURIComponent(id)}/test`);
    const delivery = await settledDelivery(answer.delivery, () => Boolean(store.user && channelById(id)));
    if (!store.user || !channelById(id)) return;
    setOutcome(id, testOutcome(delivery));
    await loadChannels();
    afterTest();
  } catch (error) {
    if (error.status === 401) return;
    setOutcome(id, { kind: 'error', text: `Could not send a test alert: ${error.message}` });
  } finally {
    testing.delete(id);
    button?.removeAttribute('aria-disabled');
  }
}

async function deleteChannel(id) {
  const channel = channelById(id);
  if (!channel) return;
  const name = `${KIND_NAMES[channel.kind] || channel.kind} channel`;
  const sure = await confirmAction({
    title: `Delete this ${name}?`,
    message: `Holdfast stops sending alerts to ${channel.url} and forgets its ${channel.kind === 'webhook' ? 'secret' : 'settings'}.`,
    confirmLabel: 'Delete channel',
    fallbackFocus: byId('channel-kind'),
  });
  if (!sure) return;
  const index = channels.findIndex((entry) => entry.id === id);
  try {
    await api('DELETE', `/alerts/channels/${encodeURIComponent(id)}`);
    channels = channels.filter((entry) => entry.id !== id);
    render();
    toast(`Deleted the ${name}.`, 'success');
    // Its buttons are gone: focus the next channel's test button, else the add form.
    const next = channels[Math.min(index, channels.length - 1)];
    (next ? items.get(next.id).querySelector('[data-action="test"]') : byId('channel-kind')).focus();
  } catch (error) {
    if (error.status !== 401) toast(`Could not delete the ${name}: ${error.message}`, 'error');
  }
}

/** Why the form cannot be sent as it is, by API field name; empty when it can. */
function problems(url) {
  if (!url) return { url: 'Enter the URL Holdfast sends alerts to.' };
  if (!/^https?:\/\/[^/\s]/i.test(url)) return { url: 'Enter an http:// or https:// URL.' };
  return {};
}

async function addChannel(event) {
  event.preventDefault();
  clearFieldErrors(CONTROLS);
  show(byId('channel-result'), false);
  const kind = byId('channel-kind').value;
  const url = byId('channel-url').value.trim();
  const token = byId('channel-token').value;
  const local = problems(url);
  if (Object.keys(local).length > 0) {
    for (const [field, message] of Object.entries(local)) setFieldError(CONTROLS[field], message);
    byId(CONTROLS[Object.keys(local)[0]]).focus();
    return;
  }
  const body = { kind, url };
  if (kind === 'ntfy' && token) body.token = token;
  setBusy('channel-form', ['channel-submit'], true);
  let answer;
  try {
    answer = await api('POST', '/alerts/channels', body);
  } catch (error) {
    setBusy('channel-form', ['channel-submit'], false);
    if (error.status === 401) return;
    const { placed, unplaced } = showFieldErrors(error, CONTROLS);
    showResult('channel-result', 'error', placed ? 'Check the highlighted field.' : 'Could not add the channel.',
      placed ? null : error.message, ...unplaced);
    if (!placed) byId('channel-submit').focus();
    return;
  }
  setBusy('channel-form', ['channel-submit'], false);
  byId('channel-form').reset();
  kindChanged();
  channels = [...(channels || []).filter((entry) => entry.id !== answer.channel.id), answer.channel];
  render();
  const testButton = items.get(answer.channel.id).querySelector('[data-action="test"]');
  // The next step is a test alert: its button takes focus, before the secret's dialog opens so that the dialog gives
  // focus back to it when it closes.
  testButton.focus();
  if (answer.secret) await showWebhookSecret(answer.secret, { fallbackFocus: testButton });
  showResult('channel-result', 'success', `Added the ${KIND_NAMES[kind]} channel.`,
    'Choose Send test alert to check that it arrives.');
}
