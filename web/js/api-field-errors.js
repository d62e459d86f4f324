// An API error's field messages (a 422's `fields`: {name: message}) shown under the fields of a form on the Feeds &
// alerts page. Each form passes its own map from the API's field names to its control ids.
import { byId } from './dom.js';
import { setFieldError } from './form-messages.js';

/** Codes that are about a URL even when the answer names no field (an outbound target refused at API time). */
const URL_CODES = new Set(['invalid_url', 'target_not_allowed']);

/**
 * Shows each message of `error.fields` under its control (`controls`: API field name -> control id, whose
 * `${id}-error` element takes the message); an `invalid_url` or `target_not_allowed` answer without fields goes under
 * the `url` control. Focuses the first control marked. Returns `{placed, unplaced}`: whether a field was marked, and
 * the messages no control of the form could take, as "field: message" lines.
 */
export function showFieldErrors(error, controls) {
  let fields = error.fields || {};
  if (Object.keys(fields).length === 0 && URL_CODES.has(error.code) && controls.url) fields = { url: error.message };
  let first = null;
  const unplaced = [];
  for (const [field, message] of Object.entries(fields)) {
    const id = controls[field];
    if (id) {
      setFieldError(id, message);
      first = first || id;
    } else {
      unplaced.push(`${field}: ${message}`);
    }
  }
  if (first) byId(first).focus();
  return { placed: Boolean(first), unplaced };
}

/** Clears the messages under every control of `controls`. */
export function clearFieldErrors(controls) {
  for (const id of Object.values(controls)) setFieldError(id, null);
}
