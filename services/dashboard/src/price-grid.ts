import { h, replaceChildren } from './dom.js';
import { direction, formatChange, formatKstTime, formatPct, formatPrice, formatVolume, type Direction } from './format.js';
import type { Quote } from './messages.js';
import type { AddResult } from './watchlist.js';

/** How long a row shows that it just updated (the flash and the `price-updated` marker). */
export const FLASH_MS = 1500;

export interface PriceGridOptions {
  readonly tickers: readonly string[];
  readonly names: ReadonlyMap<string, string>;
  /** Validates and subscribes; the grid adds the row when it succeeds and shows the error when not. */
  add(raw: string): AddResult;
  /** Unsubscribes; the grid removes the row. */
  remove(ticker: string): void;
}

export interface PriceGrid {
  readonly element: HTMLElement;
  update(quote: Quote): void;
  setName(ticker: string, name: string): void;
  /** Shows a message under the form (a server refusal of a subscribe). */
  showError(message: string): void;
}

interface Row {
  readonly tr: HTMLTableRowElement;
  readonly name: HTMLElement;
  readonly marker: HTMLElement;
  readonly price: HTMLTableCellElement;
  readonly change: HTMLTableCellElement;
  readonly rate: HTMLTableCellElement;
  readonly volume: HTMLTableCellElement;
  readonly time: HTMLTableCellElement;
  lastPrice: number | undefined;
  /** Ends the current flash; owned by the row and cleared when the row goes. */
  flashTimer: ReturnType<typeof setTimeout> | undefined;
}

const DIRECTIONS: readonly Direction[] = ['up', 'down', 'flat'];

export function createPriceGrid(options: PriceGridOptions): PriceGrid {
  const rows = new Map<string, Row>();
  let updates = 0;

  const tbody = h('tbody');
  const empty = h('tr', { class: 'empty' }, h('td', { colspan: 7 }, '관심종목이 없습니다. 종목코드를 추가하세요.'));
  const input = h('input', {
    type: 'text',
    name: 'ticker',
    inputmode: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: '종목코드 (예: 035720)',
    'aria-label': '종목코드',
    'data-testid': 'ticker-input',
  });
  const error = h('p', { class: 'ticker-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'ticker-form', novalidate: true },
    input,
    h('button', { type: 'submit', 'data-testid': 'ticker-add' }, '추가'),
  );
  const element = h(
    'section',
    { class: 'panel prices', 'data-testid': 'price-grid', 'data-updates': 0, 'aria-labelledby': 'prices-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'prices-title' }, '관심종목 실시간 시세'), form),
    error,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'grid' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, '종목'),
            h('th', { scope: 'col', class: 'num' }, '현재가'),
            h('th', { scope: 'col', class: 'num' }, '전일대비'),
            h('th', { scope: 'col', class: 'num' }, '등락률'),
            h('th', { scope: 'col', class: 'num opt' }, '거래량'),
            h('th', { scope: 'col', class: 'opt' }, '시각'),
            h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, '삭제')),
          ),
        ),
        tbody,
      ),
    ),
  );

  const showError = (message: string | undefined): void => {
    if (message === undefined) {
      error.hidden = true;
      error.removeAttribute('data-testid');
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      return;
    }
    error.hidden = false;
    error.dataset['testid'] = 'ticker-error';
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
  };

  const syncEmpty = (): void => {
    if (rows.size === 0) tbody.appendChild(empty);
    else empty.remove();
  };

  const addRow = (ticker: string): void => {
    const marker = h('span', { class: 'updated-dot', 'aria-hidden': 'true' });
    const name = h('span', { class: 'name' }, options.names.get(ticker) ?? '');
    const cells = {
      price: h('td', { class: 'num price', 'data-testid': 'price-value' }, '—'),
      change: h('td', { class: 'num', 'data-testid': 'price-change' }, '—'),
      rate: h('td', { class: 'num' }, '—'),
      volume: h('td', { class: 'num opt' }, '—'),
      time: h('td', { class: 'opt time' }, '—'),
    };
    const removeButton = h(
      'button',
      { type: 'button', class: 'remove', 'data-testid': `ticker-remove-${ticker}`, 'aria-label': `${ticker} 삭제`, title: '삭제' },
      '×',
    );
    const tr = h(
      'tr',
      { 'data-testid': `price-row-${ticker}`, 'data-ticker': ticker },
      h('th', { scope: 'row', class: 'symbol' }, marker, h('span', { class: 'code' }, ticker), name),
      cells.price,
      cells.change,
      cells.rate,
      cells.volume,
      cells.time,
      h('td', { class: 'actions' }, removeButton),
    );
    removeButton.addEventListener('click', () => {
      options.remove(ticker);
      const row = rows.get(ticker);
      if (row?.flashTimer !== undefined) clearTimeout(row.flashTimer);
      rows.delete(ticker);
      tr.remove();
      syncEmpty();
    });
    rows.set(ticker, { tr, name, marker, ...cells, lastPrice: undefined, flashTimer: undefined });
    tbody.appendChild(tr);
    syncEmpty();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const result = options.add(input.value);
    if (!result.ok) {
      showError(result.error);
      return;
    }
    showError(undefined);
    input.value = '';
    addRow(result.ticker);
  });
  input.addEventListener('input', () => showError(undefined));

  for (const ticker of options.tickers) addRow(ticker);
  syncEmpty();

  return {
    element,
    update(quote) {
      const row = rows.get(quote.ticker);
      if (row === undefined) return;
      const changeDirection = direction(quote.change);
      row.price.textContent = formatPrice(quote.price);
      row.price.dataset['value'] = String(quote.price);
      row.change.textContent = formatChange(quote.change);
      row.rate.textContent = formatPct(quote.changeRate);
      row.volume.textContent = formatVolume(quote.volume);
      replaceChildren(
        row.time,
        formatKstTime(quote.timestamp),
        quote.stale ? h('span', { class: 'badge stale', title: quote.asOf ?? '' }, '전일') : null,
      );
      for (const cell of [row.price, row.change, row.rate]) {
        cell.classList.remove(...DIRECTIONS);
        cell.classList.add(changeDirection);
      }

      // The flash follows the tick (against the last price shown), the colours follow the day's change.
      const tick = row.lastPrice === undefined ? changeDirection : direction(quote.price - row.lastPrice);
      row.lastPrice = quote.price;
      row.tr.classList.remove('flash-up', 'flash-down', 'flash-flat');
      void row.tr.offsetWidth; // restart the CSS animation
      row.tr.classList.add(`flash-${tick}`);
      row.marker.dataset['testid'] = 'price-updated';
      row.marker.textContent = '●';
      if (row.flashTimer !== undefined) clearTimeout(row.flashTimer);
      row.flashTimer = setTimeout(() => {
        row.flashTimer = undefined;
        row.tr.classList.remove('flash-up', 'flash-down', 'flash-flat');
        row.marker.removeAttribute('data-testid');
        row.marker.textContent = '';
      }, FLASH_MS);

      updates += 1;
      element.dataset['updates'] = String(updates);
    },
    showError,
    setName(ticker, name) {
      const row = rows.get(ticker);
      if (row !== undefined && row.name.textContent !== name) row.name.textContent = name;
    },
  };
}
