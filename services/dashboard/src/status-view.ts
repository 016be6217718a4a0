import { h, replaceChildren } from './dom.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'error';

/** The seed's WebSocketStatus component (seed-protocol.md §11.6): same test ids, icons and labels. */
const LOOK: Readonly<Record<ConnectionState, { icon: string; label: string; aria: string }>> = {
  connected: { icon: '●', label: '실시간 연결됨', aria: 'WebSocket 연결됨' },
  connecting: { icon: '◐', label: '연결 중...', aria: 'WebSocket 연결 중' },
  error: { icon: '⚠️', label: '연결 실패', aria: 'WebSocket 연결 오류' },
  disconnected: { icon: '○', label: '대기 중', aria: 'WebSocket 대기 중' },
};

/** The seed's user messages (§11.4): a gateway problem once three reconnects failed. */
const BAD_GATEWAY = '실시간 서비스에 연결할 수 없습니다. 백엔드 서비스 상태를 확인해주세요.';
const CONNECTION_REFUSED = '실시간 연결이 끊어졌습니다. 재연결을 시도합니다.';
const ERROR_TEXT_MAX = 20;

export interface StatusView {
  readonly element: HTMLElement;
  update(state: ConnectionState, reconnectCount: number, clientId: string | undefined): void;
}

export function createStatusView(): StatusView {
  const element = h('div', { class: 'ws-status', role: 'status', 'aria-live': 'polite' });
  return {
    element,
    update(state, reconnectCount, clientId) {
      const look = LOOK[state];
      element.dataset['testid'] = `ws-status-${state}`;
      element.dataset['state'] = state;
      element.setAttribute('aria-label', look.aria);
      const message = state === 'connected' || state === 'connecting' ? undefined : reconnectCount >= 3 ? BAD_GATEWAY : CONNECTION_REFUSED;
      replaceChildren(
        element,
        h('span', { class: 'ws-icon', 'data-testid': `ws-icon-${state}`, 'aria-hidden': 'true' }, look.icon),
        h('span', { class: 'ws-label' }, look.label),
        reconnectCount > 0
          ? h('span', { class: 'ws-reconnects', 'data-testid': 'ws-reconnect-count' }, `(재연결 ${reconnectCount})`)
          : null,
        message !== undefined
          ? h(
              'span',
              { class: 'ws-error', 'data-testid': 'ws-error-message', title: message },
              message.length > ERROR_TEXT_MAX ? `${message.slice(0, ERROR_TEXT_MAX)}...` : message,
            )
          : null,
        state === 'connected' && clientId !== undefined && clientId !== ''
          ? h('span', { class: 'ws-client-id', title: clientId }, clientId.slice(0, 8))
          : null,
      );
    },
  };
}
