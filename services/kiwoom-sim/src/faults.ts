/**
 * The active fault set (kiwoom-rest.md §9 item 18). A fault is scoped by api-id and/or ticker and
 * limited by a probability (a seeded stream per fault, so runs repeat), a count of firings, and a
 * duration on the simulated clock. The request pipeline asks `take(kind, scope)` at the point where
 * that kind applies; a fault is used up only when it actually fires.
 */
import { KNOWN_API_IDS, REVOKE_API_ID, TOKEN_API_ID } from './api/routes.js';
import { kstIso } from './api/format.js';
import { createPrng } from './random.js';

export const FAULT_KINDS = [
  'token_expiry',
  'rate_limit_429',
  'rate_limit_200',
  'total_cap_1701',
  'http_5xx',
  'slow',
  'connection_reset',
  'blank_vendor_fields',
  'saturated_values',
  'off_tick_prices',
  'unknown_tickers',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds that make sense on /oauth2/* (scoped with apiId au10001 or au10002). */
const TRANSPORT_KINDS: ReadonlySet<FaultKind> = new Set(['http_5xx', 'slow', 'connection_reset']);
export const SATURATED_VALUES = [4_294_967_295, 2_147_483_647] as const;
export const DEFAULT_SATURATED_FIELDS: readonly string[] = ['trde_qty'];
/** Active faults at most; the admin API refuses more (every map has a bound). */
export const MAX_FAULTS = 1_000;

/** A validated fault, as added. */
export interface Fault {
  readonly id: string;
  readonly kind: FaultKind;
  readonly apiId: string | undefined;
  readonly tickers: readonly string[] | undefined;
  /** Chance of firing on a matching request, in (0, 1]. */
  readonly probability: number;
  /** Firings left; undefined = unlimited. */
  readonly remaining: number | undefined;
  /** Simulated epoch ms after which the fault is gone; undefined = until removed. */
  readonly expiresAtMs: number | undefined;
  readonly fired: number;
  /** token_expiry: 200 or 401; http_5xx: 500, 502 or 503. */
  readonly httpStatus: number | undefined;
  /** slow: the delay in wall-clock ms, or never answer. */
  readonly delayMs: number | 'never' | undefined;
  /** saturated_values: the fields to overwrite and the value. */
  readonly fields: readonly string[] | undefined;
  readonly value: number | undefined;
  /** rate_limit_* and total_cap_1701: the quota the message reports (default: the configured one). */
  readonly quota: number | undefined;
}

export interface FaultScope {
  readonly apiId: string;
  /** Tickers the request names (suffixes stripped); empty when it names none. */
  readonly tickers: readonly string[];
}

export class FaultInputError extends Error {
  override readonly name = 'FaultInputError';
  readonly code = 'FAULT_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`invalid fault: ${problems.join('; ')}`);
  }
}

export interface FaultSet {
  /** The active faults, oldest first, as JSON-ready views. */
  list(): readonly Record<string, unknown>[];
  /** Adds one fault (an object) or several (an array); all or nothing. Throws FaultInputError. */
  add(input: unknown): readonly Record<string, unknown>[];
  remove(id: string): boolean;
  clear(): number;
  /** The first active fault of `kind` matching `scope` that fires now; it is used up by one. */
  take(kind: FaultKind, scope: FaultScope): Fault | undefined;
}

export interface FaultSetOptions {
  readonly seed: number;
  /** Simulated epoch ms. */
  readonly now: () => number;
}

interface Entry {
  fault: Fault;
  readonly random: () => number;
}

export function createFaultSet(options: FaultSetOptions): FaultSet {
  const { seed, now } = options;
  const entries: Entry[] = [];
  let nextId = 1;

  const prune = (): void => {
    const at = now();
    for (let i = entries.length - 1; i >= 0; i--) {
      const { fault } = entries[i] as Entry;
      if ((fault.expiresAtMs !== undefined && at >= fault.expiresAtMs) || fault.remaining === 0) entries.splice(i, 1);
    }
  };

  return {
    list() {
      prune();
      return entries.map((e) => viewOf(e.fault));
    },

    add(input) {
      const inputs = Array.isArray(input) ? (input as unknown[]) : [input];
      if (inputs.length === 0) throw new FaultInputError(['expected a fault object or a non-empty array of them']);
      const problems: string[] = [];
      const parsed = inputs
        .map((one, i) => parseFault(one, inputs.length > 1 ? `[${i}] ` : '', problems))
        .filter((spec): spec is FaultSpec => spec !== undefined);
      prune();
      if (entries.length + parsed.length > MAX_FAULTS) problems.push(`at most ${MAX_FAULTS} faults can be active`);
      if (problems.length > 0) throw new FaultInputError(problems);
      const at = now();
      const added = parsed.map(({ durationMs, ...spec }) => {
        const id = `f${nextId++}`;
        const fault: Fault = { ...spec, id, fired: 0, expiresAtMs: durationMs === undefined ? undefined : at + durationMs };
        entries.push({ fault, random: createPrng(seed, 'fault', id) });
        return viewOf(fault);
      });
      return added;
    },

    remove(id) {
      const index = entries.findIndex((e) => e.fault.id === id);
      if (index < 0) return false;
      entries.splice(index, 1);
      return true;
    },

    clear() {
      const count = entries.length;
      entries.length = 0;
      return count;
    },

    take(kind, scope) {
      prune();
      for (const entry of entries) {
        const { fault } = entry;
        if (fault.kind !== kind || !inScope(fault, scope)) continue;
        // The draw happens only for matching requests, so unrelated traffic does not shift the stream.
        if (fault.probability < 1 && entry.random() >= fault.probability) continue;
        entry.fault = {
          ...fault,
          fired: fault.fired + 1,
          remaining: fault.remaining === undefined ? undefined : fault.remaining - 1,
        };
        return entry.fault;
      }
      return undefined;
    },
  };
}

/** True when `ticker` is one the fault targets (every ticker when it has no ticker scope). */
export function targetsTicker(fault: Fault, ticker: string): boolean {
  return fault.tickers === undefined || fault.tickers.includes(ticker);
}

function inScope(fault: Fault, scope: FaultScope): boolean {
  const oauth = scope.apiId === TOKEN_API_ID || scope.apiId === REVOKE_API_ID;
  // Unscoped faults hit TR calls only; the OAuth endpoints must be named explicitly.
  if (fault.apiId === undefined ? oauth : fault.apiId !== scope.apiId) return false;
  return fault.tickers === undefined || fault.tickers.some((t) => scope.tickers.includes(t));
}

type FaultSpec = Omit<Fault, 'id' | 'fired' | 'expiresAtMs'> & { readonly durationMs: number | undefined };

const COMMON_KEYS = ['kind', 'apiId', 'ticker', 'probability', 'count', 'durationMs'];
const KIND_KEYS: Readonly<Record<FaultKind, readonly string[]>> = {
  token_expiry: ['httpStatus'],
  rate_limit_429: ['quota'],
  rate_limit_200: ['quota'],
  total_cap_1701: ['quota'],
  http_5xx: ['httpStatus'],
  slow: ['delayMs'],
  connection_reset: [],
  blank_vendor_fields: [],
  saturated_values: ['fields', 'value'],
  off_tick_prices: [],
  unknown_tickers: [],
};

function parseFault(input: unknown, at: string, problems: string[]): FaultSpec | undefined {
  const before = problems.length;
  const problem = (text: string): void => {
    problems.push(`${at}${text}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problem('a fault must be a JSON object');
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const kind = raw['kind'];
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    problem(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    return undefined;
  }
  const k = kind as FaultKind;
  const allowed = new Set([...COMMON_KEYS, ...KIND_KEYS[k]]);
  for (const key of Object.keys(raw)) if (!allowed.has(key)) problem(`unknown field "${key}" for kind ${k}`);

  const apiId = optional(raw['apiId'], (v) => (typeof v === 'string' && KNOWN_API_IDS.includes(v) ? v : undefined));
  if (apiId === null) problem(`apiId must be one of ${KNOWN_API_IDS.join(', ')}`);
  if ((apiId === TOKEN_API_ID || apiId === REVOKE_API_ID) && !TRANSPORT_KINDS.has(k)) {
    problem(`kind ${k} does not apply to ${apiId}; only ${[...TRANSPORT_KINDS].join(', ')} do`);
  }
  const tickers = optional(raw['ticker'], (v) => {
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
    return list !== undefined && list.length > 0 && list.every((t) => typeof t === 'string' && /^[0-9A-Z]{1,20}$/.test(t))
      ? (list as string[])
      : undefined;
  });
  if (tickers === null) problem('ticker must be a code such as "005930", or a non-empty array of codes');
  const probability = optional(raw['probability'], (v) => (typeof v === 'number' && v > 0 && v <= 1 ? v : undefined));
  if (probability === null) problem('probability must be a number in (0, 1]');
  const count = optional(raw['count'], positiveInteger);
  if (count === null) problem('count must be a positive integer');
  const durationMs = optional(raw['durationMs'], positiveInteger);
  if (durationMs === null) problem('durationMs must be a positive integer (simulated milliseconds)');

  let httpStatus: number | undefined;
  if (k === 'token_expiry' || k === 'http_5xx') {
    const choices = k === 'token_expiry' ? [200, 401] : [500, 502, 503];
    const value = optional(raw['httpStatus'], (v) => (typeof v === 'number' && choices.includes(v) ? v : undefined));
    if (value === null) problem(`httpStatus must be one of ${choices.join(', ')}`);
    httpStatus = value ?? (k === 'token_expiry' ? 200 : 503);
  }
  let delayMs: number | 'never' | undefined;
  if (k === 'slow') {
    const value = raw['delayMs'];
    if (value === 'never' || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 600_000)) delayMs = value;
    else problem('delayMs must be an integer from 0 to 600000 (wall-clock ms) or "never"');
  }
  let fields: readonly string[] | undefined;
  let value: number | undefined;
  if (k === 'saturated_values') {
    const f = optional(raw['fields'], (v) =>
      Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '') ? (v as string[]) : undefined,
    );
    if (f === null) problem('fields must be a non-empty array of field names');
    fields = f ?? DEFAULT_SATURATED_FIELDS;
    const n = optional(raw['value'], (v) => ((SATURATED_VALUES as readonly unknown[]).includes(v) ? (v as number) : undefined));
    if (n === null) problem(`value must be ${SATURATED_VALUES.join(' or ')}`);
    value = n ?? SATURATED_VALUES[0];
  }
  let quota: number | undefined;
  if (k === 'rate_limit_429' || k === 'rate_limit_200' || k === 'total_cap_1701') {
    const q = optional(raw['quota'], positiveInteger);
    if (q === null) problem('quota must be a positive integer');
    quota = q ?? undefined;
  }
  if (problems.length > before) return undefined;
  return {
    kind: k,
    apiId: apiId ?? undefined,
    tickers: tickers ?? undefined,
    probability: probability ?? 1,
    remaining: count ?? undefined,
    durationMs: durationMs ?? undefined,
    httpStatus,
    delayMs,
    fields,
    value,
    quota,
  };
}

/** undefined when absent, null when present but invalid, else the checked value. */
function optional<T>(value: unknown, check: (v: unknown) => T | undefined): T | undefined | null {
  if (value === undefined) return undefined;
  const checked = check(value);
  return checked === undefined ? null : checked;
}

function positiveInteger(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

function viewOf(fault: Fault): Record<string, unknown> {
  const view: Record<string, unknown> = { id: fault.id, kind: fault.kind, probability: fault.probability, fired: fault.fired };
  if (fault.apiId !== undefined) view['apiId'] = fault.apiId;
  if (fault.tickers !== undefined) view['ticker'] = fault.tickers;
  view['remaining'] = fault.remaining ?? null;
  view['expiresAt'] = fault.expiresAtMs === undefined ? null : kstIso(new Date(fault.expiresAtMs));
  if (fault.httpStatus !== undefined) view['httpStatus'] = fault.httpStatus;
  if (fault.delayMs !== undefined) view['delayMs'] = fault.delayMs;
  if (fault.fields !== undefined) view['fields'] = fault.fields;
  if (fault.value !== undefined) view['value'] = fault.value;
  if (fault.quota !== undefined) view['quota'] = fault.quota;
  return view;
}
