// The API client: same-origin fetch with the session cookie, the CSRF token kept in memory only.

const BASE = '/api/v1';

/** The CSRF token of the current session. Memory only: after a reload it is read again from GET /auth/me. */
let csrfToken = null;
/** State-changing requests (POST/PATCH/DELETE) still waiting for an answer; the poller speeds up meanwhile. */
let mutationsInFlight = 0;
const activityListeners = new Set();
let unauthorizedHandler = null;

/** An API error answer (or a network failure, status 0), carrying the API's `{code, message, fields}`. */
export class ApiError extends Error {
  constructor(status, body, retryAfter = null) {
    const error = (body && body.error) || {};
    super(error.message || defaultMessage(status));
    this.status = status;
    this.code = error.code || (status === 0 ? 'network_error' : 'http_' + status);
    this.fields = error.fields || null;
    this.body = body;
    /** Seconds the server asked to wait before trying again (`Retry-After` of a 429 or 503), or null. */
    this.retryAfter = retryAfter;
  }
}

/** `Retry-After` as seconds: either delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
function retryAfterSeconds(response) {
  const value = response.headers.get('Retry-After');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function defaultMessage(status) {
  if (status === 0) return 'Could not reach Holdfast. Check your connection and try again.';
  if (status === 429) return 'Too many requests; wait a little and try again.';
  if (status >= 500) return 'Holdfast is having trouble right now; try again shortly.';
  return `The request failed (HTTP ${status}).`;
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** Called with no arguments when a request other than login answers 401 (the session ended). */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/** Subscribes to changes in the number of state-changing requests in flight. */
export function onActivity(listener) {
  activityListeners.add(listener);
}

export function mutationsPending() {
  return mutationsInFlight;
}

/**
 * Sends one request and returns the parsed JSON body (null for 204). Throws ApiError on any non-2xx answer.
 */
export async function api(method, path, body) {
  const mutating = !['GET', 'HEAD'].includes(method);
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (mutating && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (mutating) changeActivity(+1);
  try {
    let response;
    try {
      response = await fetch(BASE + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, null);
    }
    let data = null;
    if (response.status !== 204) {
      const text = await response.text();
      if (text) {
        try { data = JSON.parse(text); } catch { data = null; }
      }
    }
    if (!response.ok) {
      const error = new ApiError(response.status, data, retryAfterSeconds(response));
      if (response.status === 401 && path !== '/auth/login' && unauthorizedHandler) unauthorizedHandler();
      throw error;
    }
    return data;
  } finally {
    if (mutating) changeActivity(-1);
  }
}

function changeActivity(delta) {
  mutationsInFlight += delta;
  for (const listener of activityListeners) listener(mutationsInFlight);
}
