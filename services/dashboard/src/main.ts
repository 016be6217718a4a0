// The dashboard's composition root: one @repo/client connection to the edge that served this
// page, and the views it feeds. Every view is plain DOM; the client owns reconnects, resubscribes,
// heartbeats and sequence-gap detection.
import { createClient } from '@repo/client';
import { MARKET_GATE_TOPIC, priceTopic } from '@repo/protocol';
import { h } from './dom.js';
import { createLiveStats } from './live-stats.js';
import { createLiveStatsView } from './live-stats-view.js';
import { createMarketGateView } from './market-gate-view.js';
import { messageTimestamp, parseGate, parseJonggaItem, parseQuote, parseSignalUpdate, parseVcpItem } from './messages.js';
import { createPriceGrid } from './price-grid.js';
import { createJonggaTable, createVcpTable } from './signal-tables.js';
import { createStatusView, type ConnectionState } from './status-view.js';
import { DEFAULT_TICKERS, createWatchlist, type AddResult } from './watchlist.js';

const SIGNAL_TOPICS = ['signal:vcp', 'signal:jongga_v2'] as const;
/** The seed's limit (seed-protocol.md §11.2); after it the status offers a manual 재연결. */
const MAX_RECONNECTS = 10;
const STATS_RENDER_MS = 1000;

/** Names for the default watchlist until a signal set names them (price_update carries no name). */
const names = new Map<string, string>([
  ['005930', '삼성전자'],
  ['000660', 'SK하이닉스'],
  ['035420', 'NAVER'],
  ['0015N0', '아로마티카'],
  ['064350', '현대로템'],
  ['035720', '카카오'],
]);

const storage = ((): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
})();
const watchlist = createWatchlist(DEFAULT_TICKERS, storage);

const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
const client = createClient({
  url: wsUrl,
  topics: [...watchlist.tickers().map(priceTopic), MARKET_GATE_TOPIC, ...SIGNAL_TOPICS],
  backoff: { baseMs: 1000, maxMs: 30_000 },
  maxReconnects: MAX_RECONNECTS,
});

const status = createStatusView();
const gateView = createMarketGateView();
const vcpTable = createVcpTable();
const jonggaTable = createJonggaTable();
const statsView = createLiveStatsView();
const stats = createLiveStats();
const grid = createPriceGrid({
  tickers: watchlist.tickers(),
  names,
  add(raw): AddResult {
    const result = watchlist.add(raw);
    if (!result.ok) return result;
    try {
      client.subscribe(priceTopic(result.ticker));
    } catch (err) {
      watchlist.remove(result.ticker);
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    return result;
  },
  remove(ticker) {
    watchlist.remove(ticker);
    client.unsubscribe(priceTopic(ticker));
  },
});

const reconnectButton = h('button', { type: 'button', class: 'reconnect', hidden: true }, '재연결');
reconnectButton.addEventListener('click', () => client.connect());

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app');
root.replaceChildren(
  h('header', { class: 'top' }, h('h1', {}, 'KRX 실시간 대시보드'), h('div', { class: 'top-status' }, status.element, reconnectButton)),
  gateView.element,
  h('main', { class: 'layout' }, grid.element, statsView.element, vcpTable.element, jonggaTable.element),
);

/** The client stopped trying: attempts used up, or the server closed with 1000. Only then is a manual retry useful. */
let gaveUp = false;
const renderStatus = (state: ConnectionState, reconnectCount: number): void => {
  status.update(state, reconnectCount, client.clientId);
  reconnectButton.hidden = !gaveUp;
};
client.onState((state, info) => {
  gaveUp = (state === 'error' && info.reconnectCount >= MAX_RECONNECTS) || (state === 'disconnected' && info.code === 1000);
  renderStatus(state, info.reconnectCount);
});
// The client id arrives with `connected`, after the state change.
client.on('connected', () => renderStatus(client.state, client.reconnectCount));
client.onGap(() => stats.gap());
client.on('error', (message) => {
  // Refusals of our own subscribes (INVALID_TOPIC, TOO_MANY_TOPICS) are the user's business.
  if (message.code !== undefined) grid.showError(message.message);
});

const record = (message: unknown): void => stats.record(Date.now(), messageTimestamp(message));

client.on('price_update', (message) => {
  record(message);
  const quote = parseQuote(message);
  if (quote !== null) grid.update(quote);
});
client.on('market_gate_update', (message) => {
  record(message);
  const gate = parseGate(message);
  if (gate !== null) gateView.update(gate);
});
client.on('signal_update', (message) => {
  record(message);
  const set = parseSignalUpdate(message);
  if (set === null) return;
  if (set.kind === 'vcp') {
    const items = set.items.flatMap((item) => parseVcpItem(item) ?? []);
    learnNames(items);
    vcpTable.update(items, set.timestamp);
  } else if (set.kind === 'jongga_v2') {
    const items = set.items.flatMap((item) => parseJonggaItem(item) ?? []);
    learnNames(items);
    jonggaTable.update(items, set.timestamp);
  }
});

function learnNames(items: readonly { ticker: string; name: string }[]): void {
  for (const { ticker, name } of items) {
    if (name === ticker) continue;
    names.set(ticker, name);
    grid.setName(ticker, name);
  }
}

// The render timer and the connection live while the page is shown; leaving closes the socket
// with 1000, and a page restored from the back/forward cache connects again.
let statsTimer: ReturnType<typeof setInterval> | undefined;
const start = (): void => {
  statsTimer ??= setInterval(() => statsView.render(stats.snapshot(Date.now())), STATS_RENDER_MS);
  client.connect();
};
window.addEventListener('pagehide', () => {
  clearInterval(statsTimer);
  statsTimer = undefined;
  client.close();
});
window.addEventListener('pageshow', (event) => {
  if (event.persisted) start();
});

renderStatus(client.state, client.reconnectCount);
start();
