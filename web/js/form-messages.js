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
}

/** Disables `buttonIds` and marks the form `formId` aria-busy while a request runs. */
export function setBusy(formId, buttonIds, busy) {
  for (const id of buttonIds) byId(id).disabled = busy;
  byId(formId).setAttribute('aria-busy', busy ? 'true' : 'false');
}
