import type { KiwoomBody } from '../errors.js';
import { parseKstDate } from '../kst.js';
import { parsePrice, parseSignedNumber } from '../numbers.js';
import { normalizeTicker } from '../tickers.js';
import { collectPages, type KiwoomTransport, type PagingOptions } from '../transport.js';
import { fieldsOf, isBlankRow, listOf, text } from './fields.js';

/** ka10099 종목정보 리스트: the universe of one market (§6.5). */
export const KA10099 = { apiId: 'ka10099', path: '/api/dostk/stkinfo' } as const;

/** ka10099's `mrkt_tp` codes (§6.5); not the same list as ka20001's `mrkt_tp`. */
export const LIST_MARKET_CODES = {
  kospi: '0',
  kosdaq: '10',
  elw: '3',
  etf: '8',
  'k-otc': '30',
  konex: '50',
  'mutual-fund': '4',
  warrant: '5',
  reits: '6',
  'high-yield': '9',
} as const;

export type ListMarket = keyof typeof LIST_MARKET_CODES;

export interface Ka10099Request {
  readonly mrkt_tp: (typeof LIST_MARKET_CODES)[ListMarket];
}

export interface Ka10099Row {
  readonly code: string;
  readonly name: string;
  readonly listCount: string;
  readonly auditInfo: string;
  /** `YYYYMMDD`. */
  readonly regDay: string;
  readonly lastPrice: string;
  readonly state: string;
  readonly marketCode: string;
  readonly marketName: string;
  readonly upName: string;
  readonly upSizeName: string;
  readonly companyClassName: string;
  readonly orderWarning: string;
  /** `"Y"` when the stock trades on NXT. */
  readonly nxtEnable: string;
}

export interface Ka10099Response {
  readonly list: readonly Ka10099Row[];
  readonly return_code: number;
  readonly return_msg: string;
}

export interface ListedStock {
  readonly ticker: string;
  readonly name: string;
  /** `listCount` as sent; kiwoom-rest.md does not state its unit. */
  readonly listCount: number | null;
  readonly auditInfo: string;
  /** `YYYY-MM-DD`. */
  readonly listingDate: string | null;
  readonly lastPrice: number | null;
  /** Warnings such as `관리종목`, `거래정지`, `정리매매`, as Kiwoom writes them. */
  readonly state: string;
  readonly marketCode: string;
  readonly marketName: string;
  readonly sectorName: string;
  readonly sizeClass: string;
  readonly companyClass: string;
  readonly orderWarning: string;
  readonly nxtEnabled: boolean;
}

export interface StockList {
  readonly market: ListMarket;
  readonly stocks: ListedStock[];
  /** Codes that are not valid tickers after normalisation (reported, not dropped silently). */
  readonly rejectedCodes: string[];
  readonly hasMore: boolean;
}

type Decoded = { readonly stock: ListedStock } | { readonly rejected: string };

function decodeListRow(row: KiwoomBody): Decoded {
  const f = fieldsOf<Ka10099Row>(row);
  const ticker = normalizeTicker(text(f('code')));
  if (ticker === null) return { rejected: text(f('code')) };
  return {
    stock: {
      ticker,
      name: text(f('name')),
      listCount: parseSignedNumber(f('listCount')),
      auditInfo: text(f('auditInfo')),
      listingDate: parseKstDate(f('regDay')),
      lastPrice: parsePrice(f('lastPrice')),
      state: text(f('state')),
      marketCode: text(f('marketCode')),
      marketName: text(f('marketName')),
      sectorName: text(f('upName')),
      sizeClass: text(f('upSizeName')),
      companyClass: text(f('companyClassName')),
      orderWarning: text(f('orderWarning')),
      nxtEnabled: text(f('nxtEnable')).toUpperCase() === 'Y',
    },
  };
}

export function decodeStockListPage(body: KiwoomBody): Decoded[] {
  return listOf(body, 'list', KA10099.apiId)
    .filter((row) => !isBlankRow(row))
    .map(decodeListRow);
}

export async function requestStockList(
  transport: KiwoomTransport,
  market: ListMarket,
  options: Omit<PagingOptions<never>, 'onPage' | 'maxRows'> = {},
): Promise<StockList> {
  const body: Ka10099Request = { mrkt_tp: LIST_MARKET_CODES[market] };
  const { rows, hasMore } = await collectPages(transport, { ...KA10099, body: { ...body } }, (page) => decodeStockListPage(page.body), {
    maxPages: options.maxPages,
    signal: options.signal,
  });
  const stocks: ListedStock[] = [];
  const rejectedCodes: string[] = [];
  for (const row of rows) {
    if ('stock' in row) stocks.push(row.stock);
    else rejectedCodes.push(row.rejected);
  }
  return { market, stocks, rejectedCodes, hasMore };
}
