export { createClient, MAX_TOPICS } from './client.js';
export { fullJitterDelay } from './backoff.js';
export type {
  Client,
  ClientOptions,
  ConnectedMessage,
  ConnectionState,
  ErrorMessage,
  MessageOf,
  MessageType,
  PingMessage,
  PongMessage,
  Sequenced,
  ServerMessage,
  ServerMessageMap,
  SubscribedMessage,
  UnsubscribedMessage,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';
