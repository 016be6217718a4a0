/**
 * Fan-out messages → view models. The browser trusts nothing on the wire: every field is checked
 * here, and a message that does not fit is dropped (null) rather than half-rendered.
 * Shapes: seed-protocol.md §3, §8.1 and §9.
 */
type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

export interface Quote {
  readonly ticker: string;
  readonly price: number;
  readonly change: number | null;
  readonly changeRate: number | null;
  readonly volume: number | null;
  /** The quote's own time (market time), ISO-8601. */
  readonly timestamp: string | undefined;
  readonly source: string | undefined;
  /** A database quote (previous trading day) or one the producer marked stale. */
  readonly stale: boolean;
  readonly asOf: string | undefined;
}

export function parseQuote(msg: unknown): Quote | null {
  if (!isObj(msg) || msg['type'] !== 'price_update' || !isObj(msg['data'])) return null;
  const ticker = str(msg['ticker']);
  const data = msg['data'];
  const price = num(data['price']);
  if (ticker === undefined || price === null) return null;
  const source = str(msg['source']);
  return {
    ticker,
    price,
    change: num(data['change']),
    changeRate: num(data['change_rate']),
    volume: num(data['volume']),
    timestamp: str(msg['timestamp']),
    source,
    stale: msg['stale'] === true || source === 'db',
    asOf: str(msg['as_of']),
  };
}

export type GateStatus = 'GREEN' | 'YELLOW' | 'RED';

export interface GateSector {
  readonly name: string;
  readonly changePct: number | null;
  readonly signal: 'bullish' | 'bearish' | 'neutral';
}

export interface Gate {
  readonly status: GateStatus;
  readonly level: number | null;
  readonly kospi: number | null;
  readonly kospiChangePct: number | null;
  readonly kosdaq: number | null;
  readonly kosdaqChangePct: number | null;
  readonly sectors: readonly GateSector[];
  readonly timestamp: string | undefined;
}

const GATE_STATUSES: readonly string[] = ['GREEN', 'YELLOW', 'RED'];

export function parseGate(msg: unknown): Gate | null {
  if (!isObj(msg) || msg['type'] !== 'market_gate_update' || !isObj(msg['data'])) return null;
  const data = msg['data'];
  const status = data['status'];
  if (typeof status !== 'string' || !GATE_STATUSES.includes(status)) return null;
  const sectors = Array.isArray(data['sectors']) ? data['sectors'] : [];
  return {
    status: status as GateStatus,
    level: num(data['level']),
    kospi: num(data['kospi']),
    kospiChangePct: num(data['kospi_change_pct']),
    kosdaq: num(data['kosdaq']),
    kosdaqChangePct: num(data['kosdaq_change_pct']),
    sectors: sectors.filter(isObj).flatMap((s): GateSector[] => {
      const name = str(s['name']);
      if (name === undefined) return [];
      const signal = s['signal'] === 'bullish' || s['signal'] === 'bearish' ? s['signal'] : 'neutral';
      return [{ name, changePct: num(s['change_pct']), signal }];
    }),
    timestamp: str(msg['timestamp']),
  };
}

export interface SignalSet {
  /** `vcp`, `jongga_v2`, … from the topic (`signal:vcp`), else from `data.signal_type`. */
  readonly kind: string;
  readonly items: readonly Obj[];
  readonly timestamp: string | undefined;
}

export function parseSignalUpdate(msg: unknown): SignalSet | null {
  if (!isObj(msg) || msg['type'] !== 'signal_update' || !isObj(msg['data'])) return null;
  const data = msg['data'];
  const topic = str(msg['topic']);
  const kind = topic?.startsWith('signal:') ? topic.slice('signal:'.length) : str(data['signal_type'])?.toLowerCase();
  if (kind === undefined || !Array.isArray(data['signals'])) return null;
  return { kind, items: data['signals'].filter(isObj), timestamp: str(data['timestamp']) };
}

export type Grade = 'S' | 'A' | 'B' | 'C';

const gradeOf = (v: unknown): Grade | undefined => (v === 'S' || v === 'A' || v === 'B' || v === 'C' ? v : undefined);

export interface VcpSignal {
  readonly ticker: string;
  readonly name: string;
  readonly grade: Grade;
  readonly score: number | null;
  /** `setup` (below the pivot) or `breakout`; absent in the seed's shape. */
  readonly state: string | undefined;
  readonly currentPrice: number | null;
  readonly entryPrice: number | null;
  readonly targetPrice: number | null;
  readonly stopPrice: number | null;
  readonly signals: readonly string[];
}

export function parseVcpItem(item: Obj): VcpSignal | null {
  const ticker = str(item['ticker']);
  if (ticker === undefined) return null;
  const score = num(item['score']) ?? num(item['total_score']);
  // The seed's WebSocket items have no grade: the gateway's REST rule (§9.3) fills it in.
  const grade = gradeOf(item['grade']) ?? (score === null ? 'C' : score >= 80 ? 'S' : score >= 70 ? 'A' : score >= 60 ? 'B' : 'C');
  return {
    ticker,
    name: str(item['name']) ?? ticker,
    grade,
    score,
    state: str(item['state']),
    currentPrice: num(item['current_price']),
    entryPrice: num(item['entry_price']) ?? num(item['pivot']),
    targetPrice: num(item['target_price']),
    stopPrice: num(item['stop_price']) ?? num(item['stop_loss']),
    signals: strings(item['signals']),
  };
}

export interface JonggaSignal {
  readonly ticker: string;
  readonly name: string;
  readonly grade: Grade;
  /** Base (0–12) plus bonus. */
  readonly total: number | null;
  readonly bonus: number | null;
  readonly entryPrice: number | null;
  readonly targetPrice: number | null;
  readonly stopLoss: number | null;
  /** Shares. */
  readonly positionSize: number | null;
  readonly changeRate: number | null;
  readonly reasons: readonly string[];
}

export function parseJonggaItem(item: Obj): JonggaSignal | null {
  const ticker = str(item['ticker']);
  const grade = gradeOf(item['grade']);
  if (ticker === undefined || grade === undefined) return null;
  const score = item['score'];
  return {
    ticker,
    name: str(item['name']) ?? ticker,
    grade,
    total: isObj(score) ? num(score['total']) : num(score),
    bonus: isObj(score) ? num(score['bonus']) : null,
    entryPrice: num(item['entry_price']),
    targetPrice: num(item['target_price']),
    stopLoss: num(item['stop_loss']),
    positionSize: num(item['position_size']),
    changeRate: num(item['change_rate']),
    reasons: strings(item['reasons']),
  };
}

/** The time a fan-out message was produced, for the latency panel: top-level `timestamp`, else `data.timestamp`. */
export function messageTimestamp(msg: unknown): string | undefined {
  if (!isObj(msg)) return undefined;
  // `ts` is the producer's publish time (wall clock); `timestamp` is the quote's own time.
  return str(msg['ts']) ?? str(msg['timestamp']) ?? (isObj(msg['data']) ? str(msg['data']['timestamp']) : undefined);
}
