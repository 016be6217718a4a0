import type { StockInfo } from './types.js';

/** ETF/ETN brand names (signals.md); KBSTAR is RISE's old name and KIWOOM was KOSEF. */
export const ETF_BRANDS: readonly string[] = Object.freeze([
  'KODEX',
  'TIGER',
  'KBSTAR',
  'ARIRANG',
  'HANARO',
  'SOL',
  'ACE',
  'RISE',
  'PLUS',
  'KIWOOM',
]);

/**
 * Names excluded wherever the word appears. Latin words must not touch other Latin letters
 * (`SPAC` but not `SPACE`); `리츠` ignores `메리츠` (메리츠금융지주 is a common stock).
 */
const EXCLUDED_WORDS: readonly (readonly [label: string, pattern: RegExp])[] = [
  ['ETN', /(?<![A-Z])ETN(?![A-Z])/],
  ['SPAC', /(?<![A-Z])SPAC(?![A-Z])/],
  ['스팩', /스팩/],
  ['리츠', /(?<!메)리츠/],
  ['인버스', /인버스/],
  ['레버리지', /레버리지/],
];
/** Preferred shares: `삼성전자우`, `현대차2우B`, `대신증권우C`, `CJ1우`. */
const PREFERRED_SUFFIX = /(우|우B|우C)$/;
const PREFERRED_INFIX = /[123]우/;

/**
 * Why a stock is left out of the signal universe, or null when it is in. A brand counts only as
 * the first word of the name (`KODEX 200`, `SOL 조선TOP3플러스`), so a company whose name merely
 * contains the letters (`ACE` inside a longer word) stays in; the kind flag catches ETFs anyway.
 */
export function universeExclusion(stock: StockInfo): string | null {
  if (stock.kind !== 'stock') return `kind ${stock.kind}`;
  if (stock.isManaged) return '관리종목';
  if (stock.isSuspended) return 'suspended';
  const name = stock.name.trim();
  const firstWord = name.split(/\s+/)[0] ?? '';
  if (ETF_BRANDS.includes(firstWord.toUpperCase())) return `ETF/ETN brand ${firstWord}`;
  const upper = name.toUpperCase();
  const word = EXCLUDED_WORDS.find(([, pattern]) => pattern.test(upper));
  if (word !== undefined) return `name contains ${word[0]}`;
  if (PREFERRED_SUFFIX.test(name) || PREFERRED_INFIX.test(name)) return 'preferred share by name';
  return null;
}

/** True for KOSPI/KOSDAQ common stocks that signals are computed for (signals.md, Universe). */
export function isSignalUniverse(stock: StockInfo): boolean {
  return universeExclusion(stock) === null;
}
