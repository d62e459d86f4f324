// The portfolio's value over time (GET /portfolio/history): the chart's ranges, the change over 24 h / 7 d / 30 d,
// and where the line breaks. Pure functions and one loader; the page decides when to load (portfolio-page.js).
import { api } from './api.js';
import { percentChange, subtract } from './decimal.js';

const HOUR = 3600;
const DAY = 86400;

/** The chart's ranges: a span back from now (or a fixed start) and the resolution asked for. */
export const RANGES = [
  { id: '24h', label: '24 h', name: 'the last 24 hours', seconds: DAY, resolution: '5m' },
  { id: '7d', label: '7 d', name: 'the last 7 days', seconds: 7 * DAY, resolution: '1h' },
  { id: '30d', label: '30 d', name: 'the last 30 days', seconds: 30 * DAY, resolution: '1h' },
  { id: '1y', label: '1 y', name: 'the last year', seconds: 365 * DAY, resolution: '1d' },
  // The Bitcoin genesis block: no crypto holding is older.
  { id: 'all', label: 'All', name: 'all time', from: '2009-01-03', resolution: '1d' },
];

/** The periods the summary states a change for. */
export const CHANGE_PERIODS = [
  { id: '24h', label: '24 h', seconds: DAY },
  { id: '7d', label: '7 d', seconds: 7 * DAY },
  { id: '30d', label: '30 d', seconds: 30 * DAY },
];

/** Seconds in one bucket of each resolution (the API's UTC buckets). */
export const BUCKET_SECONDS = { '5m': 300, '1h': HOUR, '1d': DAY };

/** An instant as the API reads it: ISO 8601 UTC without milliseconds. */
function instant(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The history path for `range` at `now` (ms). */
export function rangePath(range, now = Date.now()) {
  const from = range.from || instant(now - range.seconds * 1000);
  return `/portfolio/history?from=${encodeURIComponent(from)}&resolution=${range.resolution}`;
}

/**
 * The path the changes are computed from: hourly points over 30 days and a margin, so each period has a point
 * near its start (`referencePoint` accepts one up to a tenth of the period early).
 */
export function changesPath(now = Date.now()) {
  return `/portfolio/history?from=${encodeURIComponent(instant(now - 33 * DAY * 1000))}&resolution=1h`;
}

/** GET `path` (one of the two above): the API's `{from, to, resolution, points}`. */
export function loadHistory(path) {
  return api('GET', path);
}

/**
 * The point a change over `seconds` is measured from: the last point in `currency` with a known value at or
 * before now - seconds, and not more than a tenth of the period before that (an older one would state a change
 * over a longer period than the label says). Null when there is none: the change is then unknown ("—").
 */
export function referencePoint(points, currency, seconds, now = Date.now()) {
  const target = now - seconds * 1000;
  const earliest = target - seconds * 100;
  let found = null;
  for (const point of points) {
    if (point.currency !== currency || point.valueExact === null || point.valueExact === undefined) continue;
    const at = Date.parse(point.time);
    if (at > target) break;
    if (at >= earliest) found = point;
  }
  return found;
}

/**
 * The change from the reference point to `currentExact` (GET /portfolio's `totalExact`): `{amount, percent,
 * point}` with exact `amount` (round it for display) and `percent` rounded to 2 decimals (null when the old value
 * was 0); null when either end is unknown.
 */
export function changeOver(points, currency, currentExact, seconds, now = Date.now()) {
  if (currentExact === null || currentExact === undefined) return null;
  const point = referencePoint(points, currency, seconds, now);
  if (!point) return null;
  return { amount: subtract(currentExact, point.valueExact), percent: percentChange(point.valueExact, currentExact),
    point };
}

/**
 * The points as runs of a continuous line: a run ends where a point's value is unknown or where the next point
 * is more than two buckets later (at least one whole bucket recorded nothing: the timer records at most every
 * 5 minutes, so neighbouring 5-minute points can sit a little over one bucket apart without anything missing).
 * Returns arrays of indexes into `points`.
 */
export function runs(points, resolution) {
  const limit = 2 * (BUCKET_SECONDS[resolution] || DAY) * 1000;
  const result = [];
  let current = [];
  let previous = null;
  points.forEach((point, index) => {
    const known = point.value !== null && point.value !== undefined;
    const at = Date.parse(point.time);
    if (!known || (previous !== null && at - previous > limit)) {
      if (current.length) result.push(current);
      current = [];
    }
    if (known) current.push(index);
    previous = at;
  });
  if (current.length) result.push(current);
  return result;
}
