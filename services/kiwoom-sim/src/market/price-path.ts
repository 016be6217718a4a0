import { roundToTick, tickDown, tickUp, type PriceLimits } from '@repo/market';
import type { DayBar } from './history.js';
import { createRng, uniformAt } from './random.js';
import type { SimInstrument } from './universe.js';

/** Continuous trading moves in steps of this many seconds; a quote changes at most this often. */
export const STEP_SECONDS = 10;
/** Shares of the day's volume matched in the opening and closing call auctions. */
const OPENING_AUCTION_SHARE = 0.015;
const CLOSING_AUCTION_SHARE = 0.05;

/**
 * One ticker's continuous session on one day, index k = the state after step k (step 0 starts at
 * the open with the opening auction's trade). The path passes exactly through the day's open, low
 * and high, and ends one to two ticks from the close, which the closing auction then fixes; so
 * the day's final quote equals the day's bar.
 */
export interface IntradayPath {
  readonly steps: number;
  readonly price: Int32Array;
  readonly high: Int32Array;
  readonly low: Int32Array;
  /** Shares, including the opening auction. */
  readonly cumVolume: Float64Array;
  /** KRW, including the opening auction. */
  readonly cumValue: Float64Array;
  /** True when the step's trade was an uptick or unchanged (it hit the ask). */
  readonly upTick: Uint8Array;
  readonly openingAuctionVolume: number;
  readonly closingAuctionVolume: number;
}

/** Brownian bridge in log space between two anchors, written into `out[k0..k1]`. */
function bridge(
  out: Int32Array,
  k0: number,
  k1: number,
  from: number,
  to: number,
  stepVol: number,
  normal: () => number,
  clamp: (price: number) => number,
): void {
  const span = k1 - k0;
  const walk = new Float64Array(span + 1);
  for (let j = 1; j <= span; j += 1) walk[j] = (walk[j - 1] ?? 0) + stepVol * normal();
  const end = walk[span] ?? 0;
  const a = Math.log(from);
  const b = Math.log(to);
  for (let j = 0; j <= span; j += 1) {
    const t = span === 0 ? 1 : j / span;
    out[k0 + j] = clamp(Math.exp(a + t * (b - a) + (walk[j] ?? 0) - t * end));
  }
}

/** The day's continuous-session path, from the day's bar and a seed for its texture. */
export function buildIntradayPath(inst: SimInstrument, bar: DayBar, steps: number, seed: number): IntradayPath {
  const rng = createRng(seed);
  const { open, high, low, close } = bar;
  const last = steps - 1;
  const clamp = (p: number): number => Math.min(high, Math.max(low, roundToTick(p, inst.kind, 'nearest')));

  // The last continuous trade sits up to two ticks from the close the auction will fix.
  let lastTrade = close;
  const drift = Math.floor(rng.next() * 5) - 2;
  for (let i = 0; i < Math.abs(drift); i += 1) lastTrade = drift > 0 ? tickUp(lastTrade, inst.kind) : tickDown(lastTrade, inst.kind);
  lastTrade = Math.min(high, Math.max(low, lastTrade));

  const kLow = Math.min(last - 1, Math.max(1, Math.round(bar.lowAt * last)));
  let kHigh = Math.min(last - 1, Math.max(1, Math.round(bar.highAt * last)));
  if (kHigh === kLow) kHigh = kLow > 1 ? kLow - 1 : kLow + 1;
  const anchors = [
    { k: 0, p: open },
    { k: kLow, p: low },
    { k: kHigh, p: high },
    { k: last, p: lastTrade },
  ].sort((x, y) => x.k - y.k);

  const price = new Int32Array(steps);
  const stepVol = (inst.dailyVol / Math.sqrt(steps)) * 0.8;
  const normal = (): number => rng.normal();
  for (let i = 1; i < anchors.length; i += 1) {
    const from = anchors[i - 1];
    const to = anchors[i];
    if (from !== undefined && to !== undefined) bridge(price, from.k, to.k, from.p, to.p, stepVol, normal, clamp);
  }
  for (const anchor of anchors) price[anchor.k] = anchor.p;

  const openingAuctionVolume = Math.round(bar.volume * OPENING_AUCTION_SHARE);
  const closingAuctionVolume = Math.round(bar.volume * CLOSING_AUCTION_SHARE);
  const continuousVolume = bar.volume - openingAuctionVolume - closingAuctionVolume;

  // U-shaped volume: busy after the open and before the closing auction.
  const weights = new Float64Array(steps);
  let total = 0;
  for (let k = 0; k < steps; k += 1) {
    const shape = 1 + 2 * Math.exp(-k / (0.06 * steps)) + 1.2 * Math.exp(-(last - k) / (0.06 * steps));
    total += shape * (0.4 + 1.2 * rng.next());
    weights[k] = total;
  }
  const cumVolume = new Float64Array(steps);
  const cumValue = new Float64Array(steps);
  const runHigh = new Int32Array(steps);
  const runLow = new Int32Array(steps);
  const upTick = new Uint8Array(steps);
  let raw = 0;
  for (let k = 0; k < steps; k += 1) {
    cumVolume[k] = openingAuctionVolume + Math.round((continuousVolume * (weights[k] ?? 0)) / total);
    const p = price[k] ?? open;
    raw += ((cumVolume[k] ?? 0) - (k === 0 ? 0 : (cumVolume[k - 1] ?? 0))) * p;
    cumValue[k] = raw;
    runHigh[k] = Math.max(k === 0 ? p : (runHigh[k - 1] ?? p), p);
    runLow[k] = Math.min(k === 0 ? p : (runLow[k - 1] ?? p), p);
    upTick[k] = k === 0 || p >= (price[k - 1] ?? p) ? 1 : 0;
  }
  // Scale the running value so the day ends exactly on the bar's trading value once the closing
  // auction adds its shares at the close; the scale stays within a few per cent of 1.
  const scale = raw > 0 ? (bar.tradingValue - closingAuctionVolume * close) / raw : 1;
  for (let k = 0; k < steps; k += 1) cumValue[k] = Math.round((cumValue[k] ?? 0) * scale);

  return { steps, price, high: runHigh, low: runLow, cumVolume, cumValue, upTick, openingAuctionVolume, closingAuctionVolume };
}

/** An auction's indicative price and quantity at `fraction` (0–1) of the auction's time. */
export interface AuctionIndication {
  readonly price: number;
  readonly qty: number;
}

/**
 * The indication converges from `from` to the price the auction will fix, with a little noise that
 * fades as the auction ends; the quantity builds up to the auction's volume.
 */
export function auctionIndication(
  inst: SimInstrument,
  from: number,
  fix: number,
  volume: number,
  fraction: number,
  limits: PriceLimits,
  seed: number,
  step: number,
): AuctionIndication {
  const f = Math.min(1, Math.max(0, fraction));
  const noise = (uniformAt(seed, step) - 0.5) * 0.006 * fix * (1 - f);
  const raw = from + (fix - from) * (0.35 + 0.65 * f) + noise;
  const price = Math.min(limits.upper, Math.max(limits.lower, roundToTick(raw, inst.kind, 'nearest')));
  return { price, qty: Math.max(1, Math.round(volume * (0.1 + 0.9 * f))) };
}
