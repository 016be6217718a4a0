import { h, replaceChildren, type Child } from './dom.js';
import { direction, formatKstTime, formatPct, formatPrice } from './format.js';
import type { JonggaSignal, VcpSignal } from './messages.js';

export interface SignalTable<T> {
  readonly element: HTMLElement;
  update(items: readonly T[], timestamp: string | undefined): void;
}

interface TableSpec<T> {
  readonly id: string;
  /** The panel's class, which places it in the page grid. */
  readonly panelClass: string;
  readonly title: string;
  readonly testId: string;
  readonly rowTestId: string;
  readonly columns: readonly { readonly label: string; readonly className?: string }[];
  readonly cells: (item: T) => Child[];
}

function createSignalTable<T extends { ticker: string }>(spec: TableSpec<T>): SignalTable<T> {
  const tbody = h('tbody');
  const meta = h('span', { class: 'panel-meta' }, '수신 대기');
  const placeholder = (text: string): HTMLTableRowElement => h('tr', { class: 'empty' }, h('td', { colspan: spec.columns.length }, text));
  tbody.appendChild(placeholder('신호를 기다리는 중...'));
  const element = h(
    'section',
    { class: `panel signals ${spec.panelClass}`, 'aria-labelledby': spec.id },
    h('header', { class: 'panel-head' }, h('h2', { id: spec.id }, spec.title), meta),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'grid', 'data-testid': spec.testId },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...spec.columns.map((c) => h('th', { scope: 'col', ...(c.className !== undefined ? { class: c.className } : {}) }, c.label)),
          ),
        ),
        tbody,
      ),
    ),
  );
  return {
    element,
    update(items, timestamp) {
      meta.textContent = `${items.length}건 · ${formatKstTime(timestamp)}`;
      if (items.length === 0) {
        replaceChildren(tbody, placeholder('오늘 조건을 만족한 종목이 없습니다.'));
        return;
      }
      replaceChildren(tbody, ...items.map((item) => h('tr', { 'data-testid': `${spec.rowTestId}-${item.ticker}` }, ...spec.cells(item))));
    },
  };
}

const symbol = (ticker: string, name: string): HTMLElement =>
  h('th', { scope: 'row', class: 'symbol' }, h('span', { class: 'code' }, ticker), h('span', { class: 'name' }, name));
const grade = (g: string): HTMLElement => h('td', {}, h('span', { class: `grade grade-${g}` }, g));
const price = (n: number | null, className = ''): HTMLElement => h('td', { class: `num ${className}`.trim() }, formatPrice(n));
const tags = (items: readonly string[]): HTMLElement => h('td', { class: 'tags opt' }, ...items.map((t) => h('span', { class: 'tag' }, t)));

const VCP_STATE: Readonly<Record<string, string>> = { breakout: '돌파', setup: '셋업' };

export function createVcpTable(): SignalTable<VcpSignal> {
  return createSignalTable<VcpSignal>({
    id: 'vcp-title',
    panelClass: 'vcp',
    title: 'VCP 패턴',
    testId: 'vcp-table',
    rowTestId: 'vcp-row',
    columns: [
      { label: '종목' },
      { label: '등급' },
      { label: '점수', className: 'num' },
      { label: '상태' },
      { label: '현재가', className: 'num' },
      { label: '피벗', className: 'num' },
      { label: '목표가', className: 'num' },
      { label: '손절가', className: 'num opt' },
      { label: '신호', className: 'opt' },
    ],
    cells: (s) => [
      symbol(s.ticker, s.name),
      grade(s.grade),
      h('td', { class: 'num' }, s.score === null ? '—' : s.score.toFixed(1)),
      h('td', {}, h('span', { class: `state state-${s.state ?? 'unknown'}` }, VCP_STATE[s.state ?? ''] ?? s.state ?? '—')),
      price(s.currentPrice),
      price(s.entryPrice),
      price(s.targetPrice, 'up'),
      price(s.stopPrice, 'down opt'),
      tags(s.signals),
    ],
  });
}

export function createJonggaTable(): SignalTable<JonggaSignal> {
  return createSignalTable<JonggaSignal>({
    id: 'jongga-title',
    panelClass: 'jongga',
    title: '종가베팅 V2',
    testId: 'jongga-table',
    rowTestId: 'jongga-row',
    columns: [
      { label: '종목' },
      { label: '등급' },
      { label: '점수', className: 'num' },
      { label: '등락률', className: 'num' },
      { label: '진입가', className: 'num' },
      { label: '목표가', className: 'num' },
      { label: '손절가', className: 'num' },
      { label: '수량', className: 'num opt' },
      { label: '사유', className: 'opt' },
    ],
    cells: (s) => {
      const base = s.total !== null && s.bonus !== null ? s.total - s.bonus : null;
      return [
        symbol(s.ticker, s.name),
        grade(s.grade),
        h(
          'td',
          { class: 'num', title: base !== null ? `기본 ${base} / 12점 + 보너스 ${s.bonus ?? 0}` : '' },
          s.total === null ? '—' : `${s.total}점`,
        ),
        h('td', { class: `num ${direction(s.changeRate)}` }, formatPct(s.changeRate)),
        price(s.entryPrice),
        price(s.targetPrice, 'up'),
        price(s.stopLoss, 'down'),
        h('td', { class: 'num opt' }, s.positionSize === null ? '—' : `${formatPrice(s.positionSize)}주`),
        tags(s.reasons),
      ];
    },
  });
}
