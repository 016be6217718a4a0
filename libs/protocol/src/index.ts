export { isValidTicker } from './tickers.js';
export {
  DEMAND_SUBJECT,
  INDEX_MARKETS,
  MARKET_DATA_SUBJECT_PREFIX,
  MARKET_GATE_TOPIC,
  SIGNAL_TYPES,
  isValidTopic,
  parseTopic,
  priceTopic,
  subjectToTopic,
  topicToSubject,
} from './topics.js';
export type { IndexMarket, SignalTopicType, TopicInfo } from './topics.js';
export { CLOSE_REASONS, CloseCode } from './close-codes.js';
export { ProtocolDecodeError, ProtocolErrorCode } from './errors.js';
export {
  CONNECTED_MESSAGE,
  PONG_FRAME,
  connectedFrame,
  errorFrame,
  fanoutFrame,
  pingFrame,
  subscribedFrame,
  unsubscribedFrame,
} from './messages.js';
export type {
  BusEnvelope,
  ClientCommand,
  FanoutMessage,
  FanoutPayload,
  GateSector,
  IndexUpdate,
  MarketGateUpdate,
  PriceData,
  PriceUpdate,
  QuoteSource,
  SignalUpdate,
} from './messages.js';
export { decodeClientFrame, decodeEnvelope, encodeEnvelope, isIsoWithOffset, makeEnvelope } from './codec.js';
export type { DecodedFrame } from './codec.js';
export { MAX_DEMAND_TICKERS, decodeDemand, encodeDemand } from './demand.js';
export type { DemandMessage } from './demand.js';
