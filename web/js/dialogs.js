// Modal dialogs on <dialog>: focus stays inside, Escape closes, focus goes back where it came from.
import { byId } from './dom.js';

const FOCUSABLE = 'button, [href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

function focusables(container) {
  return [...container.querySelectorAll(FOCUSABLE)].filter(
    (element) => !element.disabled && !element.closest('[hidden]') && element.getClientRects().length > 0);
}

/**
 * Opens `dialog` modally. Tab and Shift+Tab wrap around inside it; Escape (the dialog's cancel event) closes it;
 * on close, focus returns to the element that had it (or to `fallbackFocus` if that element is gone).
 */
export function openModal(dialog, { initialFocus = null, fallbackFocus = null } = {}) {
  const opener = document.activeElement;
  const trap = (event) => {
    if (event.key !== 'Tab') return;
    const items = focusables(dialog);
    if (items.length === 0) { event.preventDefault(); return; }
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  };
  dialog.addEventListener('keydown', trap);
  dialog.addEventListener('close', () => {
    dialog.removeEventListener('keydown', trap);
    const target = opener && opener.isConnected && opener !== document.body ? opener : fallbackFocus;
    if (target) target.focus();
  }, { once: true });
  dialog.showModal();
  (initialFocus || focusables(dialog)[0])?.focus();
}

/**
 * Asks a yes/no question in the confirm dialog; resolves true only for the confirm button.
 */
export function confirmAction({ title, message, confirmLabel, fallbackFocus = null }) {
  const dialog = byId('confirm-dialog');
  byId('confirm-title').textContent = title;
  byId('confirm-text').textContent = message;
  const yes = byId('confirm-yes');
  const no = byId('confirm-no');
  yes.textContent = confirmLabel;
  return new Promise((resolve) => {
    let answer = false;
    const onYes = () => { answer = true; dialog.close(); };
    const onNo = () => dialog.close();
    yes.addEventListener('click', onYes);
    no.addEventListener('click', onNo);
    dialog.addEventListener('close', () => {
      yes.removeEventListener('click', onYes);
      no.removeEventListener('click', onNo);
      resolve(answer);
    }, { once: true });
    // The safe answer has focus first, so a stray Enter does not disconnect anything.
    openModal(dialog, { initialFocus: no, fallbackFocus });
  });
}
