// Multi-line secret fields (issue 14, item 1): a Coinbase CDP private key is a PEM of several lines, and a one-line
// <input> turned its line breaks into spaces. The secret is a <textarea>, which keeps them.
//
// A textarea has no type=password, so the field is masked with CSS (`-webkit-text-security: disc`, which Chromium,
// Safari and current Firefox honour; elsewhere the text shows, as the key file itself does). A "Show" toggle
// (aria-pressed) reveals it to check a paste. The dialogs clear it whenever they close and after every save, so a
// secret never stays on the page.

/** Wires the toggle `button` to show or mask `textarea`; starts masked. */
export function wireSecretToggle(textarea, button) {
  button.addEventListener('click', () => setMasked(textarea, button, !textarea.classList.contains('masked')));
  setMasked(textarea, button, true);
}

/** Empties the secret and masks it again. */
export function clearSecret(textarea, button) {
  textarea.value = '';
  setMasked(textarea, button, true);
}

function setMasked(textarea, button, masked) {
  textarea.classList.toggle('masked', masked);
  // The name stays; aria-pressed says whether the secret is shown.
  button.setAttribute('aria-pressed', masked ? 'false' : 'true');
}
