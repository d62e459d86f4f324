// Pages by URL fragment: #/portfolio (the default), #/connections and #/settings (Feeds & alerts). The fragment never reaches the server, so
// nginx serves the one index.html for both and a reload stays on the page.

/** Each page: its section, its heading (focused on arrival, for screen readers and keyboards) and its title. */
const PAGES = {
  portfolio: { view: 'portfolio-view', heading: 'portfolio-title', title: 'Portfolio' },
  connections: { view: 'connections-view', heading: 'connections-title', title: 'Connections' },
  settings: { view: 'settings-view', heading: 'settings-title', title: 'Feeds & alerts' },
};

/** Listeners by page name, called each time that page is shown (see `onShow`). */
const shownListeners = new Map();

/** The page the fragment names, else the portfolio. */
export function currentPage() {
  const match = /^#\/([a-z]+)/.exec(window.location.hash);
  return match && PAGES[match[1]] ? match[1] : 'portfolio';
}

/**
 * Shows the current page (or none when signed out), marks its link in the nav and sets the document title.
 * `focus` moves focus to the page's heading, as after a navigation.
 */
export function showPage(signedIn, { focus = false } = {}) {
  const page = signedIn ? currentPage() : null;
  for (const [name, spec] of Object.entries(PAGES)) {
    document.getElementById(spec.view).hidden = name !== page;
  }
  for (const link of document.querySelectorAll('[data-page-link]')) {
    if (link.dataset.pageLink === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!page) return;
  document.title = `${PAGES[page].title} · Holdfast`;
  if (focus) document.getElementById(PAGES[page].heading).focus();
  for (const listener of shownListeners.get(page) || []) listener();
}

/**
 * Calls `listener()` every time the page `name` is shown to a signed-in person (arrival by link, Back, reload, sign-in):
 * for a page that loads its data on arrival instead of through the poller.
 */
export function onShow(name, listener) {
  shownListeners.set(name, [...(shownListeners.get(name) || []), listener]);
}

/** Calls `listener()` whenever the fragment changes (a nav link, Back, Forward). */
export function onNavigate(listener) {
  window.addEventListener('hashchange', listener);
}
