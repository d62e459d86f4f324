// Holdfast's web UI: sign-in, then the portfolio, connections and feeds & alerts pages, kept fresh by poller.js (no WebSocket).
import { api, ApiError, setCsrfToken, onUnauthorized } from './api.js';
import { byId, show } from './dom.js';
import { toast } from './toast.js';
import { store, update, reset } from './store.js';
import { startPolling, stopPolling } from './poller.js';
import { showPage, onNavigate } from './router.js';
import { mountPortfolioPage } from './portfolio-page.js';
import { mountConnectionsPage } from './connections-page.js';
import { mountFeedsPage } from './feeds-page.js';

async function start() {
  mountPortfolioPage();
  mountConnectionsPage();
  mountFeedsPage();
  byId('login-form').addEventListener('submit', login);
  byId('logout').addEventListener('click', logout);
  onNavigate(() => showPage(Boolean(store.user), { focus: true }));
  onUnauthorized(() => {
    if (store.user) signedOut('Your session has ended. Sign in again.');
  });

  try {
    // After a reload the CSRF token is gone from memory; /auth/me hands it out again for the cookie's session.
    const me = await api('GET', '/auth/me');
    signedIn(me.user, me.csrfToken);
  } catch (error) {
    signedOut(error instanceof ApiError && error.status === 401 ? null : error.message);
  } finally {
    show(byId('loading'), false);
  }
}

async function login(event) {
  event.preventDefault();
  const email = byId('login-email');
  const password = byId('login-password');
  const error = byId('login-error');
  const button = byId('login-submit');
  show(error, false);
  if (!email.value.trim() || !password.value) {
    error.textContent = 'Enter your email and password.';
    show(error, true);
    return;
  }
  button.disabled = true;
  try {
    const answer = await api('POST', '/auth/login', { email: email.value.trim(), password: password.value });
    password.value = '';
    signedIn(answer.user, answer.csrfToken);
  } catch (failure) {
    password.value = '';
    error.textContent = failure.message;
    show(error, true);
    password.focus();
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try {
    await api('POST', '/auth/logout');
  } catch (error) {
    if (error.status !== 401) { toast(`Could not sign out: ${error.message}`, 'error'); return; }
  }
  signedOut(null);
  toast('Signed out.', 'info');
}

function signedIn(user, csrfToken) {
  setCsrfToken(csrfToken);
  update({ user });
  byId('user-email').textContent = user.email;
  show(byId('login-view'), false);
  show(byId('user-menu'), true);
  show(byId('app-nav'), true);
  showPage(true, { focus: true });
  startPolling();
}

function signedOut(message) {
  setCsrfToken(null);
  stopPolling();
  reset();
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  showPage(false);
  show(byId('user-menu'), false);
  show(byId('app-nav'), false);
  show(byId('login-view'), true);
  document.title = 'Sign in · Holdfast';
  const error = byId('login-error');
  error.textContent = message || '';
  show(error, Boolean(message));
  byId('login-email').focus();
}

start();
