// The "Connect exchange" dialog: pick an exchange, enter a read-only key, test it, connect it.
import { api, ApiError } from './api.js';
import { byId, h, show } from './dom.js';
import { openModal } from './dialogs.js';
import { toast } from './toast.js';
import { permissionWarning } from './permissions.js';
import { loadSupported, needsPassphrase } from './exchanges.js';
import { failureTitle, detailAfter } from './exchange-errors.js';
import { wireSecretToggle, clearSecret } from './secret-field.js';
import {
  placeFieldErrors, setBusy as setBusyOf, setFieldError as setFieldErrorOf, showResult as showResultIn,
} from './form-messages.js';

/** Every input of the form, by the API's field name. */
const FIELDS = ['exchange', 'region', 'apiKey', 'apiSecret', 'passphrase', 'label'];
/** Fields cleared after a successful Connect and whenever the dialog closes: they are never kept around. A failed
 * Connect keeps them, so the person can fix the region or label without pasting the secret again. */
const SECRET_FIELDS = ['apiSecret', 'passphrase'];

let supported = null;
let onConnected = () => {};

const input = (field) => byId(`connect-${field}`);

/** Wires the dialog; `connected(connection, holdingsCount)` runs after a successful Connect. */
export function setUpConnectDialog({ connected }) {
  onConnected = connected;
  const dialog = byId('connect-dialog');
  const form = byId('connect-form');
  wireSecretToggle(input('apiSecret'), byId('connect-apiSecret-toggle'));
  input('exchange').addEventListener('change', () => { clearMessages(); applyExchange(); });
  byId('connect-test').addEventListener('click', () => submit('test'));
  form.addEventListener('submit', (event) => { event.preventDefault(); submit('connect'); });
  byId('connect-cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => resetForm());
}

/** Opens the dialog, loading the supported exchanges the first time. */
export async function openConnectDialog() {
  const opener = byId('open-connect');
  if (!supported) {
    try {
      supported = await loadSupported();
    } catch (error) {
      if (error.status !== 401) toast(`Could not load the supported exchanges: ${error.message}`, 'error');
      return;
    }
    const select = input('exchange');
    select.replaceChildren(h('option', { value: '', text: 'Choose an exchange…' }),
      ...supported.map((exchange) => h('option', { value: exchange.id, text: exchange.name })));
  }
  resetForm();
  openModal(byId('connect-dialog'), { initialFocus: input('exchange'), fallbackFocus: opener });
}

function selectedExchange() {
  return (supported || []).find((exchange) => exchange.id === input('exchange').value) || null;
}

/** Relabels the credential fields for the chosen exchange and shows the passphrase only where it is needed. */
function applyExchange() {
  const exchange = selectedExchange();
  const labels = (exchange && exchange.fieldLabels) || {};
  byId('connect-apiKey-label').textContent = labels.apiKey || 'API key';
  byId('connect-apiSecret-label').textContent = labels.apiSecret || 'API secret';
  byId('connect-passphrase-label').textContent = labels.passphrase || 'Passphrase';
  const passphrase = needsPassphrase(exchange);
  show(byId('connect-passphrase-row'), passphrase);
  input('passphrase').required = passphrase;
  if (!passphrase) input('passphrase').value = '';
  // Exchanges whose keys belong to one regional host (OKX, Bybit): the person picks theirs, default first.
  const regions = (exchange && exchange.regions) || [];
  const regionSelect = input('region');
  const previous = regionSelect.value;
  regionSelect.replaceChildren(...regions.map((region) => h('option', { value: region.id, text: region.name })));
  if (regions.some((region) => region.id === previous)) regionSelect.value = previous;
  show(byId('connect-region-row'), regions.length > 0);
  const help = byId('connect-help');
  help.textContent = (exchange && exchange.readOnlyKeyHelp) || '';
  show(help, Boolean(help.textContent));
}

function resetForm() {
  byId('connect-form').reset();
  for (const field of SECRET_FIELDS) input(field).value = '';
  clearSecret(input('apiSecret'), byId('connect-apiSecret-toggle'));
  clearMessages();
  applyExchange();
  setBusy(false);
}

function clearMessages() {
  for (const field of FIELDS) setFieldError(field, null);
  const result = byId('connect-result');
  result.replaceChildren();
  result.className = 'result';
  show(result, false);
}

const setFieldError = (field, message) => setFieldErrorOf(`connect-${field}`, message);
const setBusy = (busy) => setBusyOf('connect-form', ['connect-test', 'connect-submit'], busy);
/** Shows the outcome inside the dialog: a role=alert for failures, role=status otherwise. */
const showResult = (kind, title, ...lines) => showResultIn('connect-result', kind, title, ...lines);

/** The request body; checks locally what the API would reject, so the common mistakes are instant. */
function readForm() {
  const exchange = selectedExchange();
  const body = { exchange: input('exchange').value, apiKey: input('apiKey').value.trim(),
    apiSecret: input('apiSecret').value };
  if (exchange && !byId('connect-passphrase-row').hidden) body.passphrase = input('passphrase').value;
  if (exchange && !byId('connect-region-row').hidden) body.region = input('region').value;
  const problems = {};
  if (!body.exchange) problems.exchange = 'Choose an exchange.';
  // A Coinbase CDP key file pasted as the secret names its key: the server takes the key name from it.
  const keyFile = body.exchange === 'coinbase' && body.apiSecret.trim().startsWith('{');
  if (!body.apiKey && !keyFile) problems.apiKey = 'Enter the API key.';
  if (!body.apiSecret.trim()) problems.apiSecret = 'Enter the API secret.';
  if ('passphrase' in body && !body.passphrase) problems.passphrase = 'Enter the passphrase.';
  return { body, problems };
}

function showFieldErrors(fields) {
  return placeFieldErrors(fields, FIELDS, setFieldError, input);
}

async function submit(action) {
  clearMessages();
  const { body, problems } = readForm();
  if (Object.keys(problems).length > 0) {
    showFieldErrors(problems);
    showResult('error', 'Check the highlighted fields.');
    return;
  }
  const label = input('label').value.trim();
  if (action === 'connect' && label) body.label = label;
  setBusy(true);
  showResult('pending', action === 'test' ? 'Testing the connection…' : 'Connecting…');
  try {
    if (action === 'test') await testConnection(body);
    else await connect(body);
  } finally {
    setBusy(false);
  }
}

async function testConnection(body) {
  try {
    const answer = await api('POST', '/exchanges/test', body);
    if (answer && answer.success) {
      const count = answer.balancesCount;
      showResult(permissionWarning(answer.permissions) ? 'warning' : 'success',
        `Connection works${typeof count === 'number' ? `: ${count} balance${count === 1 ? '' : 's'} found` : ''}.`,
        answer.message, permissionWarning(answer.permissions),
        ...(answer.notes || []).map((note) => `Not counted: ${note}`));
    } else {
      // An exchange's verdict, or (from a server before the rekey API) an exchange that gave none: the title says
      // which, so an unreachable exchange never reads as a refused key.
      const error = (answer && answer.error) || {};
      flagRegion(error.code);
      const title = failureTitle(error.code, 200, exchangeName());
      showResult('error', title, detailAfter(title, error.message) || (error.message ? '' : 'The test failed.'));
    }
  } catch (error) {
    reportFailure(error, null);
  }
}

async function connect(body) {
  try {
    const answer = await api('POST', '/exchanges/connect', body);
    const connection = answer.connection;
    const warning = permissionWarning(connection.permissions);
    for (const field of SECRET_FIELDS) input(field).value = '';
    clearSecret(input('apiSecret'), byId('connect-apiSecret-toggle'));
    byId('connect-dialog').close();
    toast(`Connected to ${connection.exchangeName || connection.exchange}` +
      (typeof answer.holdingsCount === 'number' ? `: ${answer.holdingsCount} holdings synced.` : '.'), 'success');
    if (warning) toast(warning, 'warning');
    onConnected(connection, answer.holdingsCount);
  } catch (error) {
    reportFailure(error, 'Could not connect.');
  }
}

/**
 * A key the exchange does not know may be a key of another regional host (OKX EEA/US, Bybit's entities): where the
 * exchange has regions, the Region field is marked too, since it may be the one to change.
 */
function flagRegion(code) {
  const exchange = selectedExchange();
  if (code === 'invalid_credentials' && exchange && (exchange.regions || []).length > 0) {
    setFieldError('region', 'Is this the region your account was opened in? A key works only on its own host.');
  }
}

function exchangeName() {
  const exchange = selectedExchange();
  return exchange ? exchange.name : null;
}

/**
 * Shows a failed test or connect. `title` is the connect's "Could not connect." (kept for the person's bearings,
 * with what happened below it), or null for a test, whose headline is what happened.
 */
function reportFailure(error, title) {
  if (!(error instanceof ApiError)) throw error;
  if (error.status === 401) return;
  flagRegion(error.code);
  const unplaced = error.fields ? showFieldErrors(error.fields) : [];
  const what = error.code === 'validation_failed' ? 'Check the highlighted fields.'
    : failureTitle(error.code, error.status, exchangeName());
  if (title) showResult('error', title, what, detailAfter(what, error.message), ...unplaced);
  else showResult('error', what, detailAfter(what, error.message), ...unplaced);
}
