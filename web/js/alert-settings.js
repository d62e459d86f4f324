// The stale-hours setting (GET/PATCH /alerts/settings): how long a connection may go without a successful sync
// before Holdfast sends a "not synced for too long" alert.
import { api } from './api.js';
import { byId } from './dom.js';
import { setFieldError } from './form-messages.js';
import { showFieldErrors } from './api-field-errors.js';
import { store } from './store.js';

const CONTROLS = { staleHours: 'stale-hours' };
const MIN_HOURS = 1;
const MAX_HOURS = 720;

let generation = 0;

/** Wires the form. Call once. */
export function setUpStaleSetting() {
  byId('stale-form').addEventListener('submit', save);
}

/** Loads the setting into the form; the field stays disabled until it is known. */
export async function loadStaleSetting() {
  const mine = ++generation;
  const status = byId('stale-status');
  if (byId('stale-hours').disabled) status.textContent = 'Loading the setting…';
  try {
    const answer = await api('GET', '/alerts/settings');
    if (mine !== generation || !store.user) return;
    setEnabled(true);
    byId('stale-hours').value = String(answer.staleHours);
    setFieldError('stale-hours', null);
    status.textContent = '';
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    status.textContent = `Could not load the setting: ${error.message}`;
  }
}

/** Empties the form (sign-out). */
export function clearStaleSetting() {
  generation += 1;
  byId('stale-hours').value = '';
  setEnabled(false);
  setFieldError('stale-hours', null);
  byId('stale-status').textContent = '';
}

function setEnabled(enabled) {
  byId('stale-hours').disabled = !enabled;
  byId('stale-submit').disabled = !enabled;
}

/** The hours as a whole number in range, or a message saying what is wrong. */
function readHours(text) {
  if (!/^\d+$/.test(text.trim())) return { problem: `Enter a whole number of hours from ${MIN_HOURS} to ${MAX_HOURS}.` };
  const hours = Number(text.trim());
  if (hours < MIN_HOURS || hours > MAX_HOURS) return { problem: `Enter ${MIN_HOURS} to ${MAX_HOURS} hours (30 days at most).` };
  return { hours };
}

async function save(event) {
  event.preventDefault();
  const field = byId('stale-hours');
  const status = byId('stale-status');
  setFieldError('stale-hours', null);
  status.textContent = '';
  const { hours, problem } = readHours(field.value);
  if (problem) { setFieldError('stale-hours', problem); field.focus(); return; }
  byId('stale-form').setAttribute('aria-busy', 'true');
  try {
    const answer = await api('PATCH', '/alerts/settings', { staleHours: hours });
    const saved = answer && answer.staleHours !== undefined ? answer.staleHours : hours;
    field.value = String(saved);
    status.textContent = `Saved: an alert after ${saved} hour${saved === 1 ? '' : 's'} without a successful sync.`;
  } catch (error) {
    if (error.status === 401) return;
    const { placed, unplaced } = showFieldErrors(error, CONTROLS);
    if (!placed) setFieldError('stale-hours', [error.message, ...unplaced].join(' '));
    field.focus();
  } finally {
    byId('stale-form').setAttribute('aria-busy', 'false');
  }
}
