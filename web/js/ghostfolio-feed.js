// The Ghostfolio feed (GET/PUT/DELETE /feeds/ghostfolio, POST /feeds/ghostfolio/push): the URL and security token
// form, each connection's push status, Push now, Pause/Resume pushes and Remove. The token goes to the API once and is never shown: the
// field is a password field, emptied after every save, and the API never returns it.
import { api } from './api.js';
import { byId, h, show } from './dom.js';
import { confirmAction } from './dialogs.js';
import { setFieldError, showResult, setBusy } from './form-messages.js';
import { showFieldErrors, clearFieldErrors } from './api-field-errors.js';
import { ago, exact } from './time.js';
import { nextTry } from './alert-names.js';
import { toast } from './toast.js';
import { store } from './store.js';
import { titleOf } from './connection-state.js';

const CONTROLS = { url: 'ghostfolio-url', securityToken: 'ghostfolio-token' };

/** The loaded feed (GET /feeds/ghostfolio), or null before the first answer. */
let feed = null;
let generation = 0;
/** Whether the person typed in the URL field since the last load (a reload then leaves their text alone). */
let urlEdited = false;

/** Wires the form and the buttons. Call once. */
export function setUpGhostfolio() {
  byId('ghostfolio-form').addEventListener('submit', save);
  byId('ghostfolio-url').addEventListener('input', () => { urlEdited = true; });
  byId('ghostfolio-push').addEventListener('click', pushNow);
  byId('ghostfolio-pause').addEventListener('click', togglePaused);
  byId('ghostfolio-remove').addEventListener('click', remove);
}

/** Loads the feed's settings and status and draws them; a failure is said above the form. */
export async function loadGhostfolio() {
  const mine = ++generation;
  show(byId('ghostfolio-error'), false);
  try {
    const answer = await api('GET', '/feeds/ghostfolio');
    if (mine !== generation || !store.user) return;
    // What the last save or Push now said is history now: the state below says how it went.
    byId('ghostfolio-push-status').textContent = '';
    show(byId('ghostfolio-result'), false);
    setFeed(answer);
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    show(byId('ghostfolio-loading'), false);
    byId('ghostfolio-error').textContent = `Could not load your Ghostfolio feed: ${error.message}`;
    show(byId('ghostfolio-error'), true);
  }
}

/** Forgets everything shown (sign-out). */
export function clearGhostfolio() {
  generation += 1;
  feed = null;
  urlEdited = false;
  byId('ghostfolio-form').reset();
  clearFieldErrors(CONTROLS);
  show(byId('ghostfolio-result'), false);
  show(byId('ghostfolio-status'), false);
  show(byId('ghostfolio-loading'), true);
  byId('ghostfolio-connections').replaceChildren();
  byId('ghostfolio-push-status').textContent = '';
}

/** Draws the feed again (the connections' names arrived or changed); nothing before the first load. */
export function renameGhostfolioConnections() {
  if (feed && feed.configured) render();
}

function setFeed(answer) {
  feed = answer;
  show(byId('ghostfolio-loading'), false);
  if (!urlEdited) byId('ghostfolio-url').value = feed.url || '';
  render();
}

function render() {
  const configured = Boolean(feed.configured);
  show(byId('ghostfolio-status'), configured);
  byId('ghostfolio-form-title').textContent = configured ? 'Change Ghostfolio' : 'Connect Ghostfolio';
  byId('ghostfolio-submit').textContent = configured ? 'Save changes' : 'Save Ghostfolio';
  byId('ghostfolio-token').placeholder = configured ? 'Stored: leave empty to keep it' : '';
  byId('ghostfolio-token-hint').textContent = configured
    ? 'A token is stored, encrypted; it is never shown. Enter a new one only to replace it.'
    : 'From Ghostfolio\'s account page. Stored encrypted; never shown again.';
  if (!configured) return;
  const summary = byId('ghostfolio-summary');
  const paused = feed.enabled === false;
  summary.replaceChildren(paused ? 'Paused: nothing is pushed to ' : 'Pushing to ',
    h('span', { class: 'feed-url', text: feed.url || '—' }), paused ? ' until you resume.' : '');
  // A paused feed is not pushed, not even on request (the API answers Push now with 409).
  show(byId('ghostfolio-push'), !paused);
  byId('ghostfolio-pause').textContent = paused ? 'Resume pushes' : 'Pause pushes';
  const connections = feed.connections || [];
  byId('ghostfolio-connections').replaceChildren(...(connections.length > 0 ? connections.map(connectionItem)
    : [h('li', { class: 'muted small' }, 'No connections to push yet: connect an exchange first.')]));
}

/** One connection's push state: ok (last push succeeded), error (the last attempt failed) or waiting (never pushed). */
function stateOf(entry) {
  if (entry.errorCode) return 'error';
  return entry.lastSuccessAt ? 'ok' : 'waiting';
}

const STATE_NAMES = { ok: 'Pushed', error: 'Push failed', waiting: 'Not pushed yet' };

function connectionItem(entry) {
  const state = stateOf(entry);
  // The feed names the exchange by id; the connection the poller loaded has its display name.
  const connection = (store.connections || []).find((c) => c.id === entry.connectionId);
  const title = titleOf(connection || { exchange: entry.exchange, label: entry.label });
  const unmapped = entry.unmappedAssets || [];
  const rows = [
    ['Ghostfolio account', entry.accountId || '— created at the first push'],
    ['Last push', timeOf(entry.lastPushAt, 'never')],
    ['Last success', timeOf(entry.lastSuccessAt, 'never')],
  ];
  if (entry.nextAttemptAt && state !== 'ok') rows.push(['Next try', nextTry(entry.nextAttemptAt)]);
  return h('li', { class: 'feed-connection', 'data-connection-id': entry.connectionId, 'data-state': state },
    h('div', { class: 'feed-connection-head' },
      h('span', { class: 'feed-connection-title', text: title }),
      h('span', { class: 'feed-state', 'data-state': state, text: STATE_NAMES[state] })),
    h('dl', { class: 'meta' }, ...rows.map(([name, value]) => h('div', {}, h('dt', { text: name }), h('dd', {}, value)))),
    unmapped.length > 0 ? h('p', { class: 'muted small' },
      `Not pushed (Ghostfolio has no price source for them): ${unmapped.join(', ')}.`) : null,
    entry.errorCode ? h('p', { class: 'error-box small' },
      h('span', { class: 'error-code', text: entry.errorCode }), entry.errorMessage ? ` ${entry.errorMessage}` : '') : null);
}

/** "5 minutes ago" with the exact time as its tooltip, or `missing` when there is no time. */
function timeOf(iso, missing) {
  return iso ? h('time', { datetime: iso, title: exact(iso), text: ago(iso) }) : missing;
}

async function save(event) {
  event.preventDefault();
  clearFieldErrors(CONTROLS);
  show(byId('ghostfolio-result'), false);
  const url = byId('ghostfolio-url').value.trim();
  const token = byId('ghostfolio-token').value.trim();
  const configured = Boolean(feed && feed.configured);
  const problems = {};
  if (!url) problems.url = 'Enter your Ghostfolio\'s address, such as https://ghostfol.io.';
  else if (!/^https?:\/\/[^/\s]/i.test(url)) problems.url = 'Enter an http:// or https:// URL.';
  if (!token && !configured) problems.securityToken = 'Enter the security token from Ghostfolio\'s account page.';
  if (Object.keys(problems).length > 0) {
    for (const [field, message] of Object.entries(problems)) setFieldError(CONTROLS[field], message);
    byId(CONTROLS[Object.keys(problems)[0]]).focus();
    return;
  }
  const body = { url };
  if (token) body.securityToken = token;
  setBusy('ghostfolio-form', ['ghostfolio-submit'], true);
  try {
    const answer = await api('PUT', '/feeds/ghostfolio', body);
    byId('ghostfolio-token').value = '';
    urlEdited = false;
    generation += 1;
    setFeed(answer);
    showResult('ghostfolio-result', 'success', 'Saved.', 'The timer pushes after each sync; choose Push now to push sooner.');
    byId('ghostfolio-push').focus();
  } catch (error) {
    if (error.status === 401) return;
    const { placed, unplaced } = showFieldErrors(error, CONTROLS);
    showResult('ghostfolio-result', 'error', placed ? 'Check the highlighted field.' : 'Could not save Ghostfolio.',
      placed ? null : error.message, ...unplaced);
  } finally {
    setBusy('ghostfolio-form', ['ghostfolio-submit'], false);
    if (!document.activeElement || document.activeElement === document.body) byId('ghostfolio-submit').focus();
  }
}

/** Marks every connection's push due now; the timer does it (within about a minute), so say so and show the state. */
async function pushNow() {
  const button = byId('ghostfolio-push');
  const status = byId('ghostfolio-push-status');
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  status.textContent = 'Asking for a push…';
  try {
    const answer = await api('POST', '/feeds/ghostfolio/push');
    status.textContent = 'Push queued: the timer pushes at its next run, within a minute or so. Choose Reload to see how it went.';
    if (answer && 'configured' in answer) { generation += 1; setFeed(answer); } else await loadGhostfolio();
  } catch (error) {
    if (error.status !== 401) status.textContent = `Could not ask for a push: ${error.message}`;
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** Pauses or resumes the feed (PUT with `enabled`; the URL as stored, the token left out so it is kept). */
async function togglePaused() {
  if (!feed || !feed.configured) return;
  const button = byId('ghostfolio-pause');
  const resume = feed.enabled === false;
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    const answer = await api('PUT', '/feeds/ghostfolio', { url: feed.url, enabled: resume });
    generation += 1;
    byId('ghostfolio-push-status').textContent = resume
      ? 'Resumed: the timer pushes after each sync again.' : 'Paused: nothing is pushed until you resume.';
    setFeed(answer);
  } catch (error) {
    if (error.status !== 401) byId('ghostfolio-push-status').textContent = `Could not ${resume ? 'resume' : 'pause'}: ${error.message}`;
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

async function remove() {
  const sure = await confirmAction({
    title: 'Remove Ghostfolio?',
    message: 'Holdfast stops pushing to Ghostfolio and deletes the stored URL, token and push state. What it already pushed stays in Ghostfolio.',
    confirmLabel: 'Remove',
    fallbackFocus: byId('ghostfolio-url'),
  });
  if (!sure) return;
  try {
    await api('DELETE', '/feeds/ghostfolio');
    generation += 1;
    urlEdited = false;
    byId('ghostfolio-push-status').textContent = '';
    show(byId('ghostfolio-result'), false);
    setFeed({ configured: false, url: null, enabled: false, connections: [] });
    toast('Removed Ghostfolio.', 'success');
    byId('ghostfolio-url').focus();
  } catch (error) {
    if (error.status !== 401) toast(`Could not remove Ghostfolio: ${error.message}`, 'error');
  }
}
