// The Edit dialog: fix a connection in place (issue 14, "Fix in place"). Rename it, set its sync interval, turn
// automatic sync off, and replace its API key: the new key is tested on the exchange before it is saved, and the
// connection keeps its holdings and sync history (PATCH /exchanges/connections/{id}).
import { api, ApiError } from './api.js';
import { byId, h, show } from './dom.js';
import { openModal } from './dialogs.js';
import { toast } from './toast.js';
import { permissionWarning } from './permissions.js';
import { loadSupported, exchangeInfo, needsPassphrase } from './exchanges.js';
import { failureTitle, detailAfter } from './exchange-errors.js';
import { INTERVAL_CHOICES, intervalText, titleOf } from './connection-state.js';
import { wireSecretToggle, clearSecret } from './secret-field.js';
import {
  placeFieldErrors, setBusy as setBusyOf, setFieldError as setFieldErrorOf, showResult as showResultIn,
} from './form-messages.js';

/** Every field with an error note, by the API's field name. */
const FIELDS = ['label', 'syncInterval', 'autoSync', 'region', 'apiKey', 'apiSecret', 'passphrase'];
const KEY_FIELDS = ['apiKey', 'apiSecret', 'passphrase'];

let editing = null;
let onSaved = () => {};

const input = (field) => byId(`edit-${field}`);

/** Wires the dialog; `saved(connection)` runs with the API's answer after every successful save. Call once. */
export function setUpEditDialog({ saved }) {
  onSaved = saved;
  const dialog = byId('edit-dialog');
  wireSecretToggle(input('apiSecret'), byId('edit-apiSecret-toggle'));
  byId('edit-form').addEventListener('submit', (event) => { event.preventDefault(); save(); });
  byId('edit-cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => { clearKeyFields(); editing = null; });
}

/**
 * Opens the dialog for `connection`. `{replaceKey: true}` (the banner's Replace key) titles it so and puts focus
 * in the new key's first field; otherwise focus starts at the label.
 */
export async function openEditDialog(connection, { replaceKey = false, fallbackFocus = null } = {}) {
  try {
    await loadSupported();
  } catch (error) {
    // The settings do not need the list; only the key fields' labels and regions do. Go on with the defaults.
    if (error.status === 401) return;
  }
  editing = connection;
  const title = titleOf(connection);
  byId('edit-title').textContent = replaceKey ? `Replace the key of ${title}` : `Edit ${title}`;
  input('label').value = connection.label || '';
  fillIntervals(connection.syncInterval);
  input('autoSync').checked = connection.autoSync !== false;
  applyExchange(connection);
  // The key fields are folded away in Edit (most edits keep the key) and open for Replace key.
  byId('edit-key-details').open = replaceKey;
  clearMessages();
  setBusy(false);
  openModal(byId('edit-dialog'), {
    initialFocus: replaceKey ? firstKeyField() : input('label'),
    fallbackFocus,
  });
}

function fillIntervals(current) {
  const choices = [...INTERVAL_CHOICES];
  // An interval set elsewhere (the API, the CLI) that is not among the choices stays selectable as it is.
  if (typeof current === 'number' && !choices.some(([value]) => value === current)) {
    choices.push([current, intervalText(current).replace(/^every /, '')]);
    choices.sort((a, b) => a[0] - b[0]);
  }
  input('syncInterval').replaceChildren(...choices.map(([value, text]) =>
    h('option', { value: String(value), text: `Every ${text}` })));
  input('syncInterval').value = String(current ?? 300);
}

/** Labels the key fields for the connection's exchange, shows its regions and passphrase where it has them. */
function applyExchange(connection) {
  const exchange = exchangeInfo(connection.exchange);
  const name = connection.exchangeName || connection.exchange;
  const labels = (exchange && exchange.fieldLabels) || {};
  // The exchange's own words for its fields, as in the Connect dialog; the section's title says they are new.
  byId('edit-apiKey-label').textContent = labels.apiKey || 'API key';
  byId('edit-apiSecret-label').textContent = labels.apiSecret || 'API secret';
  byId('edit-passphrase-label').textContent = labels.passphrase || 'Passphrase';
  byId('edit-key-intro').textContent = `Leave these empty to keep the current key${connection.apiKeyHint
    ? ` (ending in ${connection.apiKeyHint})` : ''}. A new key is tested on ${name} before it is saved; the holdings ` +
    'and the sync history are kept.';
  const help = byId('edit-key-help');
  help.textContent = (exchange && exchange.readOnlyKeyHelp) || '';
  show(help.closest('details'), Boolean(help.textContent));
  help.closest('details').open = false;
  show(byId('edit-passphrase-row'), needsPassphrase(exchange));
  const regions = (exchange && exchange.regions) || [];
  input('region').replaceChildren(...regions.map((region) => h('option', { value: region.id, text: region.name })));
  if (regions.length > 0) input('region').value = connection.region || regions[0].id;
  show(byId('edit-region-row'), regions.length > 0);
}

function firstKeyField() {
  return byId('edit-region-row').hidden ? input('apiKey') : input('region');
}

function clearKeyFields() {
  input('apiKey').value = '';
  clearSecret(input('apiSecret'), byId('edit-apiSecret-toggle'));
  input('passphrase').value = '';
}

function clearMessages() {
  for (const field of FIELDS) setFieldError(field, null);
  const result = byId('edit-result');
  result.replaceChildren();
  result.className = 'result';
  show(result, false);
}

const setFieldError = (field, message) => setFieldErrorOf(`edit-${field}`, message);
const setBusy = (busy) => setBusyOf('edit-form', ['edit-submit', 'edit-cancel'], busy);
const showResult = (kind, title, ...lines) => showResultIn('edit-result', kind, title, ...lines);

/** The PATCH body: only what changed, plus the new key when one was entered; and what to fix before sending. */
function readForm(connection) {
  const body = {};
  const problems = {};
  const label = input('label').value.trim();
  if (label !== (connection.label || '')) body.label = label || null;
  const interval = Number.parseInt(input('syncInterval').value, 10);
  if (interval !== connection.syncInterval) body.syncInterval = interval;
  const autoSync = input('autoSync').checked;
  if (autoSync !== (connection.autoSync !== false)) body.autoSync = autoSync;

  const passphraseShown = !byId('edit-passphrase-row').hidden;
  const key = { apiKey: input('apiKey').value.trim(), apiSecret: input('apiSecret').value,
    passphrase: passphraseShown ? input('passphrase').value : '' };
  if (KEY_FIELDS.some((field) => key[field])) {
    // A Coinbase CDP key file pasted as the secret names its key: the server takes the key name from it.
    const keyFile = connection.exchange === 'coinbase' && key.apiSecret.trim().startsWith('{');
    if (!key.apiKey && !keyFile) problems.apiKey = 'Enter the new API key, or empty the key fields to keep the current key.';
    if (!key.apiSecret.trim()) problems.apiSecret = 'Enter the new API secret.';
    if (passphraseShown && !key.passphrase) problems.passphrase = 'Enter the passphrase of the new key.';
    body.apiKey = key.apiKey;
    body.apiSecret = key.apiSecret;
    if (passphraseShown) body.passphrase = key.passphrase;
    if (!byId('edit-region-row').hidden) body.region = input('region').value;
  }
  return { body, problems };
}

function showFieldErrors(fields) {
  if (Object.keys(fields || {}).some((field) => ['region', ...KEY_FIELDS].includes(field))) {
    byId('edit-key-details').open = true;
  }
  return placeFieldErrors(fields, FIELDS, setFieldError, input);
}

async function save() {
  const connection = editing;
  if (!connection) return;
  clearMessages();
  const { body, problems } = readForm(connection);
  if (Object.keys(problems).length > 0) {
    showFieldErrors(problems);
    showResult('error', 'Check the highlighted fields.');
    return;
  }
  if (Object.keys(body).length === 0) {
    byId('edit-dialog').close();
    return;
  }
  const name = connection.exchangeName || connection.exchange;
  const rekey = 'apiSecret' in body;
  setBusy(true);
  showResult('pending', rekey ? `Testing the new key on ${name}…` : 'Saving…');
  try {
    const answer = await api('PATCH', `/exchanges/connections/${encodeURIComponent(connection.id)}`, body);
    const updated = answer.connection;
    setBusy(false);
    byId('edit-dialog').close();
    toast(rekey ? `Replaced the key of ${titleOf(updated)}; its holdings and sync history are kept.`
      : `Saved ${titleOf(updated)}.`, 'success');
    const warning = rekey ? permissionWarning(updated.permissions) : null;
    if (warning) toast(warning, 'warning');
    onSaved(updated, { rekeyed: rekey });
  } catch (error) {
    setBusy(false);
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return;
    reportFailure(error, name, rekey);
  }
}

function reportFailure(error, name, rekey) {
  const unplaced = error.fields ? showFieldErrors(error.fields) : [];
  if (!rekey) {
    showResult('error', 'Could not save.', error.message, ...unplaced);
    return;
  }
  if (error.code === 'invalid_credentials' && !byId('edit-region-row').hidden) {
    setFieldError('region', 'Is this the region your account was opened in? A key works only on its own host.');
  }
  const title = error.code === 'validation_failed' ? 'Check the highlighted fields.'
    : error.code === 'conflict' ? 'Another connection already uses this key.'
      : failureTitle(error.code, error.status, name);
  // The server's "This … API key is already connected." says the title again in other words: leave it out.
  const detail = error.code === 'conflict' ? '' : detailAfter(title, error.message);
  // Nothing was saved: the old key and settings stand. Say so, since the dialog stays open with the new values.
  showResult('error', title, detail, ...unplaced,
    'Nothing was changed: the connection keeps its current key and settings.');
}
