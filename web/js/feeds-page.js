// The Feeds & alerts page (#/settings): alert channels, the stale-hours setting and the delivery log
// (alert-*.js, delivery-log.js), the Ghostfolio feed (ghostfolio-feed.js) and files for other trackers
// (feed-downloads.js). Its data is loaded each time the page is shown and by its Reload button, never polled: none of
// it changes unless the person changes it or the timer runs (see poller.js for the polling policy).
import { byId } from './dom.js';
import { onShow } from './router.js';
import { store, subscribe } from './store.js';
import { setUpChannels, loadChannels, clearChannels, channelById } from './alert-channels.js';
import { setUpStaleSetting, loadStaleSetting, clearStaleSetting } from './alert-settings.js';
import { setUpDeliveryLog, reloadDeliveriesIfOpen, clearDeliveryLog } from './delivery-log.js';
import { setUpWebhookSecret } from './webhook-secret.js';
import { setUpGhostfolio, loadGhostfolio, clearGhostfolio, renameGhostfolioConnections } from './ghostfolio-feed.js';
import { renderFeedDownloads } from './feed-downloads.js';

/** Wires the page; it loads whenever it is shown. Call once. */
export function mountFeedsPage() {
  setUpWebhookSecret();
  setUpChannels({ onTested: reloadDeliveriesIfOpen });
  setUpStaleSetting();
  setUpDeliveryLog({ channelById });
  setUpGhostfolio();
  byId('settings-reload').addEventListener('click', reload);
  onShow('settings', load);
  subscribe((state, changed) => {
    if (changed.has('user') && !state.user) clear();
    if (changed.has('connections')) {
      renderFeedDownloads(state.connections);
      renameGhostfolioConnections();
    }
  });
}

function load() {
  return Promise.all([loadChannels(), loadStaleSetting(), loadGhostfolio(), reloadDeliveriesIfOpen()]);
}

async function reload() {
  const button = byId('settings-reload');
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await load();
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** Sign-out: the next person never sees this one's channels, feed or log. */
function clear() {
  clearChannels();
  clearStaleSetting();
  clearDeliveryLog();
  clearGhostfolio();
}
