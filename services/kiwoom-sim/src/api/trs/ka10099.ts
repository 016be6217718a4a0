/**
 * ka10099 종목정보 리스트: the universe of one market under `list` (kiwoom-rest.md §6.5).
 * `mrkt_tp` `0` KOSPI and `10` KOSDAQ list stocks (common and preferred), `8` ETFs and `60` ETNs;
 * other numeric codes are valid market types the simulator has no instruments for, so their list
 * is empty. `listCount` (shares, not thousands) and `lastPrice` (the base price) are zero-padded
 * to 16 and 8 digits, as in captures.
 */
import type { Instrument } from '../../market/model.js';
import { hashUnit } from '../../random.js';
import { kiwoomErrors } from '../errors.js';
import { zeroPadded } from '../format.js';
import { fundamentalsOf } from '../fundamentals.js';
import { encodeNextKey, pageOf } from '../paging.js';
import { isNxtEligible, requireField } from './common.js';
import type { TrContext, TrHandler, WireRow } from './types.js';

const SELECTORS: Readonly<Record<string, (i: Instrument) => boolean>> = {
  '0': (i) => i.market === 'KOSPI' && (i.kind === 'stock' || i.kind === 'preferred'),
  '10': (i) => i.market === 'KOSDAQ' && (i.kind === 'stock' || i.kind === 'preferred'),
  '8': (i) => i.kind === 'etf',
  '60': (i) => i.kind === 'etn',
};

const MARKET_NAMES: Readonly<Record<string, readonly [code: string, name: string]>> = {
  KOSPI: ['0', '거래소'],
  KOSDAQ: ['10', '코스닥'],
  etf: ['8', 'ETF'],
  etn: ['60', 'ETN'],
};

const STATES = ['증거금20%|담보대출|신용가능', '증거금30%|담보대출|신용가능', '증거금40%|담보대출|신용가능'] as const;
const KOSDAQ_DIVISIONS = ['우량기업부', '벤처기업부', '중견기업부', '기술성장기업부'] as const;

export const ka10099: TrHandler = (ctx) => {
  const marketType = requireField(ctx.body, 'mrkt_tp');
  if (!/^\d{1,2}$/.test(marketType)) throw kiwoomErrors.badField('mrkt_tp', '시장구분 코드가 아닙니다');
  const select = SELECTORS[marketType];
  const instruments = select === undefined ? [] : ctx.market.universe().filter(select);
  const indexed = instruments.map((instrument, position) => ({ instrument, position }));
  const page = pageOf(
    indexed,
    ctx.page,
    ctx.pageSize,
    (entry, cursor) => entry.position > Number(cursor),
    (entry) => String(entry.position),
  );
  const rows = page.rows.map(({ instrument }) => listRow(ctx, instrument));
  const body = { list: rows };
  return page.nextCursor === undefined ? { body } : { body, nextKey: encodeNextKey(ctx.apiId, ctx.body, page.nextCursor) };
};

function listRow(ctx: TrContext, instrument: Instrument): WireRow {
  const fund = instrument.kind === 'etf' || instrument.kind === 'etn';
  const [marketCode, marketName] = MARKET_NAMES[fund ? instrument.kind : instrument.market] ?? ['', ''];
  const base = ctx.market.quote(instrument.ticker)?.prevClose ?? 0;
  const u = (what: string): number => hashUnit(ctx.seed, instrument.ticker, what);
  const capKrw = base * instrument.listedShares;
  return {
    code: instrument.ticker,
    name: instrument.name,
    listCount: zeroPadded(instrument.listedShares, 16),
    auditInfo: '정상',
    regDay: fundamentalsOf(ctx.seed, instrument).listedOn,
    lastPrice: zeroPadded(base, 8),
    state: fund ? '증거금100%' : (STATES[Math.floor(u('state') * STATES.length)] ?? STATES[0]),
    marketCode,
    marketName,
    upName: fund ? '' : instrument.sector,
    upSizeName: fund ? '' : capKrw >= 2e12 ? '대형주' : capKrw >= 3e11 ? '중형주' : '소형주',
    companyClassName:
      instrument.market === 'KOSDAQ' && !fund ? (KOSDAQ_DIVISIONS[Math.floor(u('division') * KOSDAQ_DIVISIONS.length)] ?? '') : '',
    orderWarning: '0',
    nxtEnable: isNxtEligible(instrument) ? 'Y' : 'N',
  };
}
