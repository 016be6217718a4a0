import { ProtocolDecodeError, ProtocolErrorCode } from './errors.js';
import type { BusEnvelope, ClientCommand, FanoutPayload } from './messages.js';
import { isValidTopic } from './topics.js';

/**
 * The only JSON.parse of wire data. Client frames decode into a command or a typed error whose
 * message goes into the error frame; bus payloads decode into a validated envelope or throw.
 */

export type DecodedFrame =
  { readonly ok: true; readonly command: ClientCommand } | { readonly ok: false; readonly error: ProtocolDecodeError };

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function fail(code: ProtocolErrorCode, message: string, cause?: unknown): DecodedFrame {
  return { ok: false, error: new ProtocolDecodeError(code, message, cause === undefined ? undefined : { cause }) };
}

/** Decodes one client frame (text or binary) into a command, or an error for the error frame. */
export function decodeClientFrame(frame: string | ArrayBuffer | Uint8Array, isBinary = false): DecodedFrame {
  if (isBinary) return fail(ProtocolErrorCode.BadFrame, 'Binary frames are not supported; send JSON text');
  let text: string;
  try {
    text = typeof frame === 'string' ? frame : textDecoder.decode(frame);
  } catch (err) {
    return fail(ProtocolErrorCode.BadFrame, 'Frame is not valid UTF-8', err);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(ProtocolErrorCode.BadFrame, 'Invalid JSON', err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(ProtocolErrorCode.BadFrame, 'Frame must be a JSON object');
  }
  return decodeCommand(value as Record<string, unknown>);
}

function decodeCommand(obj: Record<string, unknown>): DecodedFrame {
  const type = obj['type'];
  switch (type) {
    case 'ping':
    case 'pong':
      return { ok: true, command: { type } };
    case 'subscribe': {
      const topic = commandTopic(obj);
      if (topic === undefined) {
        return fail(ProtocolErrorCode.InvalidTopic, 'subscribe needs a "topic" or a "ticker"');
      }
      if (!isValidTopic(topic)) {
        return fail(ProtocolErrorCode.InvalidTopic, `Invalid topic: ${describe(topic)}`);
      }
      return { ok: true, command: { type, topic } };
    }
    case 'unsubscribe': {
      // The seed answers `unsubscribed` for any topic, subscribed or not, and for a missing one
      // (`"topic":null`, "Unsubscribed from None"); keep that. Only a non-string topic is an error.
      const topic = commandTopic(obj);
      if (topic === undefined) return { ok: true, command: { type, topic: null } };
      if (typeof topic !== 'string') return fail(ProtocolErrorCode.InvalidTopic, `Invalid topic: ${describe(topic)}`);
      return { ok: true, command: { type, topic } };
    }
    default:
      // Exact seed text, including Python's `None` for a missing type.
      return fail(
        ProtocolErrorCode.UnknownType,
        `Unknown message type: ${type === undefined || type === null ? 'None' : stringifyType(type)}`,
      );
  }
}

/** `topic` if present, else the seed test plan's `ticker` shorthand as its `price:` topic. */
function commandTopic(obj: Record<string, unknown>): unknown {
  const topic = obj['topic'];
  if (topic !== undefined && topic !== null && topic !== '') return topic;
  const ticker = obj['ticker'];
  if (ticker === undefined || ticker === null || ticker === '') return undefined;
  // A non-string ticker stays as it is, so it fails topic validation instead of being coerced.
  return typeof ticker === 'string' ? `price:${ticker}` : ticker;
}

function stringifyType(type: unknown): string {
  return typeof type === 'string' ? type : jsonPreview(type, DESCRIBE_MAX_CHARS);
}

const DESCRIBE_MAX_CHARS = 80;

function describe(value: unknown): string {
  if (typeof value !== 'string') return jsonPreview(value, DESCRIBE_MAX_CHARS);
  return value.length > DESCRIBE_MAX_CHARS ? `${value.slice(0, DESCRIBE_MAX_CHARS)}…` : value;
}

/**
 * The first `max` characters of `JSON.stringify(value)` (then `…`), built without stringifying the
 * whole value: JSON.stringify recurses, and a frame nested a few thousand levels deep (about 10 KB,
 * under EDGE_MAX_FRAME_BYTES) overflowed the stack. Each level writes at least one character before
 * descending, so the recursion here stops within `max` levels.
 */
function jsonPreview(value: unknown, max: number): string {
  let out = '';
  const write = (text: string): boolean => {
    out += text;
    return out.length <= max;
  };
  const walk = (item: unknown): boolean => {
    if (typeof item !== 'object' || item === null) return write(JSON.stringify(item));
    if (Array.isArray(item)) {
      if (!write('[')) return false;
      for (let i = 0; i < item.length; i++) {
        if ((i > 0 && !write(',')) || !walk(item[i])) return false;
      }
      return write(']');
    }
    if (!write('{')) return false;
    let first = true;
    for (const key of Object.keys(item)) {
      if ((!first && !write(',')) || !write(`${JSON.stringify(key)}:`) || !walk((item as Record<string, unknown>)[key])) return false;
      first = false;
    }
    return write('}');
  };
  return walk(value) ? out : `${out.slice(0, max)}…`;
}

const textEncoder = new TextEncoder();

/** Serialises an envelope for the bus. */
export function encodeEnvelope(envelope: BusEnvelope): Uint8Array {
  return textEncoder.encode(JSON.stringify(envelope));
}

/** Builds an envelope, checking what a producer supplies. */
export function makeEnvelope(topic: string, seq: number, src: string, data: FanoutPayload, ts = new Date()): BusEnvelope {
  if (!isValidTopic(topic)) throw new ProtocolDecodeError(ProtocolErrorCode.InvalidTopic, `invalid topic: ${String(topic)}`);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new ProtocolDecodeError(ProtocolErrorCode.BadEnvelope, `invalid seq: ${seq}`);
  return { v: 1, topic, seq, ts: ts.toISOString(), src, data };
}

/**
 * A bus payload (bytes from NATS or a string from Redis) as a JSON object; `what` names it in the
 * error ("envelope is not JSON", "demand is not an object").
 */
export function parseBusObject(payload: string | Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : textDecoder.decode(payload));
  } catch (err) {
    throw new ProtocolDecodeError(ProtocolErrorCode.BadEnvelope, `${what} is not JSON`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolDecodeError(ProtocolErrorCode.BadEnvelope, `${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

/** Decodes and validates a bus payload (bytes from NATS or a string from Redis). */
export function decodeEnvelope(payload: string | Uint8Array): BusEnvelope {
  const env = parseBusObject(payload, 'envelope');
  const problems: string[] = [];
  if (env['v'] !== 1) problems.push('v must be 1');
  if (!isValidTopic(env['topic'])) problems.push('topic is not a known topic');
  const seq = env['seq'];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) problems.push('seq must be a non-negative integer');
  const ts = env['ts'];
  if (typeof ts !== 'string' || !isIsoWithOffset(ts)) problems.push('ts must be ISO-8601 with an offset');
  if (typeof env['src'] !== 'string') problems.push('src must be a string');
  const data = env['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof (data as Record<string, unknown>)['type'] !== 'string') {
    problems.push('data must be an object with a string type');
  }
  if (problems.length > 0) {
    throw new ProtocolDecodeError(ProtocolErrorCode.BadEnvelope, `invalid envelope: ${problems.join('; ')}`);
  }
  return env as unknown as BusEnvelope;
}

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** True for an ISO-8601 date-time with an explicit offset (`Z` or `±hh:mm`) naming a real date. */
export function isIsoWithOffset(value: string): boolean {
  const m = ISO_WITH_OFFSET.exec(value);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.UTC rolls 2025-02-30 over to March; a real date comes back unchanged.
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
