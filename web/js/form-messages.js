// What a dialog's form says back: an error under a field, the outcome box, and "busy" while a request runs. Shared by
// the Connect dialog (connect.js) and the Edit dialog (fix-connection.js); each passes its own element ids.
import { byId, h, show } from './dom.js';

/**
 * Shows `message` under the control `controlId` (in the element `${controlId}-error`) and marks the control
 * aria-invalid; a null message clears both.
 */
export function setFieldError(controlId, message) {
  const control = byId(controlId);
  const note = byId(`${controlId}-error`);
  note.textContent = message || '';
  show(note, Boolean(message));
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

/** Shows an outcome in the box `resultId`: `kind` is success, warning or error (role=alert for errors). */
export function showResult(resultId, kind, title, ...lines) {
  const result = byId(resultId);
  result.className = `result result-${kind}`;
  result.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  result.replaceChildren(h('p', { class: 'result-title', text: title }),
    ...lines.filter(Boolean).map((line) => h('p', { text: line })));
  show(result, true);
  // On a phone the outcome is often below the fold of the dialog: bring it into view.
  result.scrollIntoView({ block: 'nearest' });
}

/** The button that had focus when its form went busy, by form id. */
const focusedWhenBusy = new Map();

/**
 * Disables `buttonIds` and marks the form `formId` aria-busy while a request runs. Disabling the focused button
 * drops focus to <body> (a keyboard user is then lost outside the dialog), so when the form is no longer busy and
 * focus is still nowhere, it goes back to that button.
 */
export function setBusy(formId, buttonIds, busy) {
  if (busy && buttonIds.includes(document.activeElement && document.activeElement.id)) {
    focusedWhenBusy.set(formId, document.activeElement);
  }
  for (const id of buttonIds) byId(id).disabled = busy;
  byId(formId).setAttribute('aria-busy', busy ? 'true' : 'false');
  if (busy) return;
  const button = focusedWhenBusy.get(formId);
  focusedWhenBusy.delete(formId);
  const lost = document.activeElement === null || document.activeElement === document.body;
  if (button && lost && button.isConnected && button.getClientRects().length > 0) button.focus();
}

/**
 * Puts each of the API's field errors (`{field: message}`) under its field when `known` has it, through
 * `setError(field, message)`, and focuses the first such `control(field)`; returns the rest as "field: message" lines
 * for the outcome box.
 */
export function placeFieldErrors(fields, known, setError, control) {
  let first = null;
  const unplaced = [];
  for (const [field, message] of Object.entries(fields || {})) {
    if (known.includes(field)) {
      setError(field, message);
      first = first || control(field);
    } else {
      unplaced.push(`${field}: ${message}`);
    }
  }
  first?.focus();
  return unplaced;
}
