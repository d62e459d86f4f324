// Downloads: today's holdings (GET /portfolio/export) and a statement of a chosen day (GET /portfolio/statement).
// Plain links with `download`: the session cookie goes with them. A statement is of the END of the chosen day (UTC),
// what a year-end or month-end statement means; for today, of now (the end of today is still to come).
import { byId, show } from './dom.js';

const STATEMENT = '/api/v1/portfolio/statement';

/** Today's date in UTC (YYYY-MM-DD). */
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

/**
 * The `at` of the statement of `date`'s end: the next day's UTC midnight (the API reads a date as its midnight, so
 * the end of 2026 is 2027-01-01), or the current instant for today.
 */
export function statementInstant(date, now = new Date()) {
  // With its milliseconds: cut to the second, "now" could fall before a snapshot taken earlier in that second.
  if (date === todayUTC(now)) return now.toISOString();
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
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
      link.href = `${STATEMENT}?at=${encodeURIComponent(statementInstant(input.value))}&format=${format}`;
      link.setAttribute('download', `holdfast-statement-${input.value}.${format}`);
      link.removeAttribute('aria-disabled');
    }
  }
}

function nameExports() {
  for (const format of ['csv', 'json']) byId(`export-${format}`).setAttribute('download', `holdfast-holdings-${todayUTC()}.${format}`);
}

/** Sets the statement date to today (UTC) and keeps the links in step with it. Call once. */
export function setUpDownloads() {
  const input = byId('statement-date');
  input.value = todayUTC();
  input.max = todayUTC();
  input.addEventListener('input', updateStatementLinks);
  input.addEventListener('change', updateStatementLinks);
  // "Now" for today's statement, and today's date in the names, are taken when the link is used.
  for (const format of ['csv', 'json']) {
    byId(`statement-${format}`).addEventListener('click', updateStatementLinks);
    byId(`export-${format}`).addEventListener('click', nameExports);
  }
  updateStatementLinks();
  nameExports();
}
