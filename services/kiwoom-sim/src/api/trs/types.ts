import type { Fault, FaultKind } from '../../faults.js';
import type { SimMarket } from '../../market/model.js';
import type { PageRequest } from '../paging.js';
import type { SimMode } from '../rate-limit.js';

/** Every data value on the wire is a string (kiwoom-rest.md §3.2). */
export type WireRow = Record<string, string>;
export type WireBody = Record<string, string | readonly WireRow[]>;

export interface TrResponse {
  /** The TR's fields; the pipeline appends `return_code` and `return_msg`. */
  readonly body: WireBody;
  /** Present when more data exists: the response then says `cont-yn: Y`. */
  readonly nextKey?: string;
}

export interface TrContext {
  readonly apiId: string;
  readonly market: SimMarket;
  readonly mode: SimMode;
  readonly seed: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly page: PageRequest;
  readonly pageSize: number;
  /** Takes the first firing fault of `kind` for a request naming `tickers` (see FaultSet.take). */
  readonly fault: (kind: FaultKind, tickers: readonly string[]) => Fault | undefined;
}

/** A TR: reads the request body, answers from the market, or throws a KiwoomApiError. */
export type TrHandler = (ctx: TrContext) => TrResponse;
