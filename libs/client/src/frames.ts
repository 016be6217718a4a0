import { FANOUT_TYPES, MESSAGE_TYPES, type FanoutServerMessage, type MessageType, type ServerMessage } from './types.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set<string>(MESSAGE_TYPES);

function isMessageType(type: string): type is MessageType {
  return KNOWN_TYPES.has(type);
}

/**
 * Decodes one inbound frame. Returns undefined for anything that is not a protocol v1 server
 * message: binary frames, malformed JSON, unknown types, fan-out messages without `topic` and
 * `seq`, acks without their fields. Payloads are not validated field by field.
 */
export function parseServerFrame(data: unknown): ServerMessage | undefined {
  if (typeof data !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const frame = value as Readonly<Record<string, unknown>>;
  const type = frame['type'];
  if (typeof type !== 'string' || !isMessageType(type)) return undefined;
  if (FANOUT_TYPES.has(type)) {
    const seq = frame['seq'];
    if (typeof frame['topic'] !== 'string' || typeof seq !== 'number' || !Number.isSafeInteger(seq)) return undefined;
  } else if (type === 'subscribed' && typeof frame['topic'] !== 'string') {
    return undefined;
  } else if (type === 'connected' && typeof frame['client_id'] !== 'string') {
    return undefined;
  }
  return frame as unknown as ServerMessage;
}

export function encodeCommand(
  command: { readonly type: 'subscribe' | 'unsubscribe'; readonly topic: string } | { readonly type: 'ping' | 'pong' },
): string {
  return JSON.stringify(command);
}

export function isFanout(message: ServerMessage): message is FanoutServerMessage {
  return FANOUT_TYPES.has(message.type);
}
