// Toasts: short success and failure notes that announce themselves to screen readers and go away.
import { byId, h } from './dom.js';

const LIFETIME_MS = { success: 5000, info: 5000, warning: 10000, error: 10000 };

/** Shows a toast. kind: 'success' | 'info' | 'warning' | 'error'. Errors use role=alert, others role=status. */
export function toast(message, kind = 'info') {
  const region = byId('toasts');
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss notification', text: '×' });
  const note = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-kind': kind },
    h('span', { class: 'toast-text', text: message }), close);
  const remove = () => note.remove();
  close.addEventListener('click', remove);
  region.append(note);
  setTimeout(remove, LIFETIME_MS[kind] || 6000);
  return note;
}
