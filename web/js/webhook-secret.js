// The dialog that shows a new webhook's signing secret, the one time the API hands it out (POST /alerts/channels).
// The secret lives in the dialog's read-only field only while the dialog is open: closing it (Done, Escape) empties
// the field, so the secret never stays on the page.
import { byId } from './dom.js';
import { openModal } from './dialogs.js';

/** Wires the dialog's buttons. Call once. */
export function setUpWebhookSecret() {
  const dialog = byId('secret-dialog');
  byId('secret-copy').addEventListener('click', copySecret);
  byId('secret-done').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    byId('secret-value').value = '';
    byId('secret-copy-status').textContent = '';
  });
}

/** Shows `secret` in the dialog; resolves when the person closed it. Focus then goes back, else to `fallbackFocus`. */
export function showWebhookSecret(secret, { fallbackFocus = null } = {}) {
  const dialog = byId('secret-dialog');
  byId('secret-value').value = secret;
  byId('secret-copy-status').textContent = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(), { once: true });
    openModal(dialog, { initialFocus: byId('secret-copy'), fallbackFocus });
  });
}

async function copySecret() {
  const field = byId('secret-value');
  const status = byId('secret-copy-status');
  try {
    await navigator.clipboard.writeText(field.value);
    status.textContent = 'Copied to the clipboard. Store it with your receiver\'s settings.';
  } catch {
    // No clipboard access (an insecure origin, or a browser that refuses): select it for Ctrl+C instead.
    field.focus();
    field.select();
    status.textContent = 'Could not copy automatically: the secret is selected, press Ctrl+C (⌘C on a Mac).';
  }
}
