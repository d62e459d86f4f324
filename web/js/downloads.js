// Downloads: today's holdings (GET /portfolio/export) and a statement of a chosen date (GET /portfolio/statement).
// Plain links with `download`: the session cookie goes with them, and the server names the file.
import { byId, show } from './dom.js';

const STATEMENT = '/api/v1/portfolio/statement';

/** Today's date in UTC (YYYY-MM-DD): the API reads a date as its UTC midnight, so a later date is the future. */
export function todayUTC(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

/** Why `date` (an <input type=date> value) cannot have a statement, or null when it can. */
export function statementProblem(date, today = todayUTC()) {
  if (!date) return 'Choose a date for the statement.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'Enter the date as YYYY-MM-DD.';
  if (date > today) return `A statement cannot be of a future date: choose ${today} or earlier.`;
  return null;
}

function updateStatementLinks() {
  const input = byId('statement-date');
  input.max = todayUTC();
  const problem = statementProblem(input.value);
  const error = byId('statement-error');
  error.textContent = problem || '';
  show(error, Boolean(problem));
  input.setAttribute('aria-invalid', String(Boolean(problem)));
  for (const format of ['csv', 'json']) {
    const link = byId(`statement-${format}`);
    // Without an href a link is inert (not focusable, not followed): nothing to download for a bad date.
    if (problem) {
      link.removeAttribute('href');
      link.setAttribute('aria-disabled', 'true');
    } else {
      link.href = `${STATEMENT}?at=${encodeURIComponent(input.value)}&format=${format}`;
      link.removeAttribute('aria-disabled');
    }
  }
}

/** Sets the statement date to today (UTC) and keeps the statement links in step with it. Call once. */
export function setUpDownloads() {
  const input = byId('statement-date');
  input.value = todayUTC();
  input.max = todayUTC();
  input.addEventListener('input', updateStatementLinks);
  input.addEventListener('change', updateStatementLinks);
  updateStatementLinks();
}
