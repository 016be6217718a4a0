import { h, replaceChildren } from './dom.js';
import { direction, formatIndex, formatKstTime, formatPct } from './format.js';
import type { Gate, GateStatus } from './messages.js';

/** What each gate means for a buyer (seed-protocol.md §8.1). */
const STATUS_LABEL: Readonly<Record<GateStatus, string>> = {
  GREEN: '매수 우호',
  YELLOW: '관망 · 부분 진입',
  RED: '방어',
};

const SECTOR_LABEL = { bullish: '강세', bearish: '약세', neutral: '중립' } as const;

export interface MarketGateView {
  readonly element: HTMLElement;
  update(gate: Gate): void;
}

export function createMarketGateView(): MarketGateView {
  const status = h('strong', { class: 'gate-status', 'data-testid': 'market-gate-status' }, '연결 대기');
  const label = h('span', { class: 'gate-label' }, '시장 상태를 기다리는 중');
  const levelValue = h('span', { class: 'gate-level-value' }, '—');
  const levelBar = h('span', { class: 'gate-level-fill', style: 'width: 0%' });
  const kospi = indexBlock('KOSPI');
  const kosdaq = indexBlock('KOSDAQ');
  const sectors = h('ul', { class: 'sectors', 'aria-label': '업종' });
  const updated = h('span', { class: 'gate-updated' });
  const element = h(
    'section',
    { class: 'gate gate-none', 'data-testid': 'market-gate', 'aria-labelledby': 'gate-title' },
    h(
      'div',
      { class: 'gate-head' },
      h('h2', { id: 'gate-title' }, '마켓 게이트'),
      status,
      label,
      h(
        'span',
        { class: 'gate-level', title: '0–100' },
        '레벨 ',
        levelValue,
        h('span', { class: 'gate-level-bar', 'aria-hidden': 'true' }, levelBar),
      ),
      updated,
    ),
    h('div', { class: 'gate-body' }, h('dl', { class: 'indices' }, kospi.element, kosdaq.element), sectors),
  );

  return {
    element,
    update(gate) {
      element.classList.remove('gate-none', 'gate-green', 'gate-yellow', 'gate-red');
      element.classList.add(`gate-${gate.status.toLowerCase()}`);
      element.dataset['status'] = gate.status;
      status.textContent = gate.status;
      label.textContent = STATUS_LABEL[gate.status];
      levelValue.textContent = gate.level === null ? '—' : String(gate.level);
      levelBar.style.width = `${Math.min(100, Math.max(0, gate.level ?? 0))}%`;
      kospi.set(gate.kospi, gate.kospiChangePct);
      kosdaq.set(gate.kosdaq, gate.kosdaqChangePct);
      replaceChildren(
        sectors,
        ...gate.sectors.map((s) =>
          h(
            'li',
            { class: `sector ${s.signal}`, title: SECTOR_LABEL[s.signal] },
            h('span', { class: 'sector-name' }, s.name),
            h('span', { class: `num ${direction(s.changePct)}` }, formatPct(s.changePct)),
          ),
        ),
      );
      updated.textContent = `업데이트 ${formatKstTime(gate.timestamp)}`;
    },
  };
}

function indexBlock(name: string): { element: HTMLElement; set(value: number | null, changePct: number | null): void } {
  const value = h('span', { class: 'index-value num' }, '—');
  const change = h('span', { class: 'index-change num' }, '');
  return {
    element: h('div', { class: 'index' }, h('dt', {}, name), h('dd', {}, value, ' ', change)),
    set(v, pct) {
      value.textContent = formatIndex(v);
      change.textContent = formatPct(pct);
      change.className = `index-change num ${direction(pct)}`;
    },
  };
}
