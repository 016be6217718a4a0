import { h } from './dom.js';
import { formatDuration } from './format.js';
import type { LiveStatsSnapshot } from './live-stats.js';

export interface LiveStatsView {
  readonly element: HTMLElement;
  render(snapshot: LiveStatsSnapshot): void;
}

export function createLiveStatsView(): LiveStatsView {
  const rate = h('dd', { 'data-testid': 'live-rate' }, '0.0');
  const p50 = h('dd', { 'data-testid': 'live-latency' }, '—');
  const p95 = h('dd', { 'data-testid': 'live-latency-p95' }, '—');
  const total = h('dd', {}, '0');
  const gaps = h('dd', {}, '0');
  const note = h(
    'p',
    { class: 'live-note', hidden: true },
    '시세 시각이 이 브라우저의 시계와 다릅니다 (시뮬레이터 시계). 지연이 아니라 시계 차이입니다.',
  );
  const item = (label: string, value: HTMLElement, title?: string): HTMLElement =>
    h('div', { class: 'stat', ...(title !== undefined ? { title } : {}) }, h('dt', {}, label), value);
  const element = h(
    'section',
    { class: 'panel live', 'data-testid': 'live-stats', 'aria-labelledby': 'live-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'live-title' }, '실시간 통계'), h('span', { class: 'panel-meta' }, '최근 10초')),
    h(
      'dl',
      { class: 'stats' },
      item('메시지/초', rate),
      item('지연 p50', p50, '수신 시각 − 메시지 timestamp'),
      item('지연 p95', p95, '수신 시각 − 메시지 timestamp'),
      item('총 메시지', total),
      item('시퀀스 갭', gaps, '건너뛴 seq가 감지된 횟수'),
    ),
    note,
  );
  return {
    element,
    render(s) {
      rate.textContent = s.perSecond.toFixed(1);
      p50.textContent = formatDuration(s.latencyP50Ms);
      p95.textContent = formatDuration(s.latencyP95Ms);
      total.textContent = String(s.total);
      gaps.textContent = String(s.gaps);
      p50.classList.toggle('clock-offset', s.clockOffset);
      p95.classList.toggle('clock-offset', s.clockOffset);
      note.hidden = !s.clockOffset;
    },
  };
}
