import { tickDown, tickUp } from '@repo/market';
import { partialInvestorNet } from './investors.js';
import type { Extremes, MarketDay, Stage, TickerDay } from './market-day.js';
import type { DailyBar, LiveQuote } from './model.js';
import { auctionIndication } from './price-path.js';
import { uniformAt } from './random.js';

/** Salts for the two sides of the book's size. */
const BID_SALT = 0x1b1d;
const ASK_SALT = 0xa5c3;
/** Queue at a daily limit, in typical book lots. */
const LIMIT_QUEUE_LOTS = 60;

/**
 * The quote object, always built with the same fields in the same order: `quote()` runs for every
 * ticker on every poll, and one object shape keeps it fast.
 */
function makeQuote(
  td: TickerDay,
  price: number,
  open: number | null,
  high: number | null,
  low: number | null,
  volume: number,
  tradingValue: number,
  bookPrice: number,
  hitAsk: boolean,
  step: number,
  expectedPrice: number | null,
  expectedQty: number | null,
  tradeTime: string | null,
  ext: Extremes,
): LiveQuote {
  const { limits, inst } = td;
  // Best bid and ask one tick apart around the book price: the last trade hit the ask on an
  // uptick, the bid otherwise. At the upper limit nobody sells and buyers queue; the lower mirrors it.
  let bestBid: number | null;
  let bestAsk: number | null;
  let bidQty: number;
  let askQty: number;
  if (bookPrice >= limits.upper) {
    bestBid = bookPrice;
    bestAsk = null;
    bidQty = Math.round(td.bookLot * LIMIT_QUEUE_LOTS);
    askQty = 0;
  } else if (bookPrice <= limits.lower) {
    bestBid = null;
    bestAsk = bookPrice;
    bidQty = 0;
    askQty = Math.round(td.bookLot * LIMIT_QUEUE_LOTS);
  } else {
    bestBid = hitAsk ? Math.max(limits.lower, tickDown(bookPrice, inst.kind)) : bookPrice;
    bestAsk = hitAsk ? bookPrice : Math.min(limits.upper, tickUp(bookPrice, inst.kind));
    bidQty = Math.max(1, Math.round(td.bookLot * (0.3 + 1.4 * uniformAt(td.seed ^ BID_SALT, step))));
    askQty = Math.max(1, Math.round(td.bookLot * (0.3 + 1.4 * uniformAt(td.seed ^ ASK_SALT, step))));
  }
  return {
    ticker: inst.ticker,
    price,
    prevClose: td.prevClose,
    open,
    high,
    low,
    volume,
    tradingValue,
    bestBid,
    bestAsk,
    bidQty,
    askQty,
    upperLimit: limits.upper,
    lowerLimit: limits.lower,
    expectedPrice,
    expectedQty,
    tradeTime,
    high250: ext.high,
    high250Date: ext.highDate,
    low250: ext.low,
    low250Date: ext.lowDate,
  };
}

/** The 250-day extremes once today has traded: the 249 bars before plus today's range so far. */
function withToday(before: Extremes, date: string, high: number, low: number): Extremes {
  const newHigh = before.highDate === '' || high >= before.high;
  const newLow = before.lowDate === '' || low <= before.low;
  if (!newHigh && !newLow) return before;
  return {
    high: newHigh ? high : before.high,
    highDate: newHigh ? date : before.highDate,
    low: newLow ? low : before.low,
    lowDate: newLow ? date : before.lowDate,
  };
}

/** The live quote of one ticker at a stage of its session day. */
export function buildQuote(day: MarketDay, td: TickerDay, stage: Stage): LiveQuote {
  const { today, prevClose, limits } = td;
  switch (stage.kind) {
    case 'pre_open': {
      const path = td.path();
      const ind = auctionIndication(td.inst, prevClose, today.open, path.openingAuctionVolume, stage.fraction, limits, td.seed, stage.step);
      return makeQuote(td, prevClose, null, null, null, 0, 0, ind.price, true, stage.step, ind.price, ind.qty, null, td.before250);
    }
    case 'final':
      return makeQuote(
        td,
        today.close,
        today.open,
        today.high,
        today.low,
        today.volume,
        today.tradingValue,
        today.close,
        false,
        0,
        null,
        null,
        day.closeTime,
        td.finalExtremes,
      );
    case 'continuous':
    case 'closing_auction': {
      const path = td.path();
      const k = stage.kind === 'continuous' ? Math.min(stage.step, path.steps - 1) : path.steps - 1;
      const price = path.price[k] ?? today.close;
      const high = path.high[k] ?? price;
      const low = path.low[k] ?? price;
      const ext = withToday(td.before249, td.date, high, low);
      const volume = path.cumVolume[k] ?? 0;
      const value = path.cumValue[k] ?? 0;
      const time = day.stepTime(k);
      if (stage.kind === 'continuous') {
        return makeQuote(td, price, today.open, high, low, volume, value, price, path.upTick[k] === 1, k, null, null, time, ext);
      }
      const ind = auctionIndication(td.inst, price, today.close, path.closingAuctionVolume, stage.fraction, limits, td.seed, stage.step);
      return makeQuote(td, price, today.open, high, low, volume, value, ind.price, true, stage.step, ind.price, ind.qty, time, ext);
    }
  }
}

/** Today's bar as the live quote shows it; investor figures are provisional (scaled by volume). */
export function partialBar(td: TickerDay, quote: LiveQuote): DailyBar {
  const fraction = td.today.volume > 0 ? quote.volume / td.today.volume : 0;
  return {
    date: td.date,
    open: quote.open ?? quote.price,
    high: quote.high ?? quote.price,
    low: quote.low ?? quote.price,
    close: quote.price,
    volume: quote.volume,
    tradingValue: quote.tradingValue,
    ...partialInvestorNet(td.today, fraction),
  };
}
