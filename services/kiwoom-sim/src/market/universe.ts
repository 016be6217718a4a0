import { roundToTick } from '@repo/market';
import type { Instrument, InstrumentKind, MarketName } from './model.js';
import { hashString } from './random.js';

/** An instrument plus what the simulator needs to move it. */
export interface SimInstrument extends Instrument {
  /** The price level (KRW, on the tick grid) the daily history moves around. */
  readonly basePrice: number;
  /** Standard deviation of daily log returns. */
  readonly dailyVol: number;
  /** Typical daily volume as a fraction of listed shares. */
  readonly turnover: number;
  /** Sensitivity to the market factor; negative for inverse ETFs. */
  readonly beta: number;
  /** Which market factor drives it (KOSDAQ150 ETFs list on KOSPI but follow KOSDAQ). */
  readonly factor: MarketName;
}

interface Row {
  readonly t: string;
  readonly n: string;
  readonly s: string;
  readonly shares: number;
  readonly price: number;
  readonly kind?: InstrumentKind;
  readonly beta?: number;
  readonly factor?: MarketName;
}

const DEFAULT_VOL: Readonly<Record<MarketName | 'fund' | 'preferred', number>> = {
  KOSPI: 0.018,
  KOSDAQ: 0.028,
  preferred: 0.014,
  fund: 0.011,
};
const DEFAULT_TURNOVER: Readonly<Record<MarketName | 'fund' | 'preferred', number>> = {
  KOSPI: 0.003,
  KOSDAQ: 0.012,
  preferred: 0.001,
  fund: 0.04,
};

// Real KRX codes and names. Listed shares and base prices are plausible round figures of
// 2024–2025, not a snapshot of any day.
const KOSPI_ROWS: readonly Row[] = [
  { t: '005930', n: '삼성전자', s: '전기·전자', shares: 5_969_782_550, price: 71_000 },
  { t: '000660', n: 'SK하이닉스', s: '전기·전자', shares: 728_002_365, price: 290_000 },
  { t: '207940', n: '삼성바이오로직스', s: '제약', shares: 71_174_000, price: 1_050_000 },
  { t: '005380', n: '현대차', s: '운송장비·부품', shares: 204_757_766, price: 215_000 },
  { t: '035420', n: 'NAVER', s: 'IT 서비스', shares: 158_437_008, price: 230_000 },
  { t: '035720', n: '카카오', s: 'IT 서비스', shares: 442_000_000, price: 41_000 },
  { t: '051910', n: 'LG화학', s: '화학', shares: 70_592_343, price: 310_000 },
  { t: '006400', n: '삼성SDI', s: '전기·전자', shares: 68_764_530, price: 230_000 },
  { t: '068270', n: '셀트리온', s: '제약', shares: 216_900_000, price: 180_000 },
  { t: '105560', n: 'KB금융', s: '금융', shares: 381_000_000, price: 98_000 },
  { t: '055550', n: '신한지주', s: '금융', shares: 491_000_000, price: 56_000 },
  { t: '028260', n: '삼성물산', s: '유통', shares: 169_976_000, price: 150_000 },
  { t: '373220', n: 'LG에너지솔루션', s: '전기·전자', shares: 234_000_000, price: 380_000 },
  { t: '000270', n: '기아', s: '운송장비·부품', shares: 393_000_000, price: 100_000 },
  { t: '012330', n: '현대모비스', s: '운송장비·부품', shares: 91_800_000, price: 280_000 },
  { t: '005490', n: 'POSCO홀딩스', s: '금속', shares: 84_571_230, price: 300_000 },
  { t: '066570', n: 'LG전자', s: '전기·전자', shares: 163_647_814, price: 85_000 },
  { t: '003550', n: 'LG', s: '금융', shares: 157_000_000, price: 78_000 },
  { t: '017670', n: 'SK텔레콤', s: '통신', shares: 214_790_053, price: 55_000 },
  { t: '030200', n: 'KT', s: '통신', shares: 252_000_000, price: 45_000 },
  { t: '015760', n: '한국전력', s: '전기·가스', shares: 641_964_077, price: 24_000 },
  { t: '032830', n: '삼성생명', s: '보험', shares: 200_000_000, price: 98_000 },
  { t: '000810', n: '삼성화재', s: '보험', shares: 47_370_000, price: 380_000 },
  { t: '086790', n: '하나금융지주', s: '금융', shares: 289_000_000, price: 66_000 },
  { t: '316140', n: '우리금융지주', s: '금융', shares: 742_600_000, price: 17_000 },
  { t: '024110', n: '기업은행', s: '금융', shares: 797_000_000, price: 15_000 },
  { t: '034730', n: 'SK', s: '금융', shares: 72_000_000, price: 160_000 },
  { t: '096770', n: 'SK이노베이션', s: '화학', shares: 151_000_000, price: 110_000 },
  { t: '010950', n: 'S-Oil', s: '화학', shares: 112_582_792, price: 62_000 },
  { t: '009150', n: '삼성전기', s: '전기·전자', shares: 74_693_696, price: 135_000 },
  { t: '018260', n: '삼성에스디에스', s: 'IT 서비스', shares: 77_377_800, price: 155_000 },
  { t: '034020', n: '두산에너빌리티', s: '기계·장비', shares: 640_000_000, price: 45_000 },
  { t: '012450', n: '한화에어로스페이스', s: '운송장비·부품', shares: 51_000_000, price: 880_000 },
  { t: '042660', n: '한화오션', s: '운송장비·부품', shares: 306_000_000, price: 72_000 },
  { t: '009540', n: 'HD한국조선해양', s: '운송장비·부품', shares: 70_773_116, price: 300_000 },
  { t: '329180', n: 'HD현대중공업', s: '운송장비·부품', shares: 88_773_116, price: 430_000 },
  { t: '010140', n: '삼성중공업', s: '운송장비·부품', shares: 880_000_000, price: 13_500 },
  { t: '267250', n: 'HD현대', s: '금융', shares: 79_000_000, price: 105_000 },
  { t: '042700', n: '한미반도체', s: '전기·전자', shares: 96_000_000, price: 150_000 },
  { t: '010120', n: 'LS ELECTRIC', s: '전기·전자', shares: 30_000_000, price: 180_000 },
  { t: '064350', n: '현대로템', s: '운송장비·부품', shares: 109_142_293, price: 150_000 },
  { t: '272210', n: '한화시스템', s: 'IT 서비스', shares: 188_919_389, price: 42_000 },
  { t: '047810', n: '한국항공우주', s: '운송장비·부품', shares: 97_475_107, price: 82_000 },
  { t: '011200', n: 'HMM', s: '운송·창고', shares: 1_025_000_000, price: 21_000 },
  { t: '003490', n: '대한항공', s: '운송·창고', shares: 368_000_000, price: 23_000 },
  { t: '090430', n: '아모레퍼시픽', s: '화학', shares: 58_000_000, price: 125_000 },
  { t: '051900', n: 'LG생활건강', s: '화학', shares: 15_600_000, price: 320_000 },
  { t: '097950', n: 'CJ제일제당', s: '음식료·담배', shares: 15_000_000, price: 250_000 },
  { t: '033780', n: 'KT&G', s: '음식료·담배', shares: 126_000_000, price: 125_000 },
  { t: '000100', n: '유한양행', s: '제약', shares: 80_000_000, price: 110_000 },
  { t: '128940', n: '한미약품', s: '제약', shares: 12_800_000, price: 310_000 },
  { t: '326030', n: 'SK바이오팜', s: '제약', shares: 78_000_000, price: 100_000 },
  { t: '011170', n: '롯데케미칼', s: '화학', shares: 42_000_000, price: 72_000 },
  { t: '010130', n: '고려아연', s: '금속', shares: 20_700_000, price: 780_000 },
  { t: '004020', n: '현대제철', s: '금속', shares: 133_000_000, price: 25_000 },
  { t: '000720', n: '현대건설', s: '건설', shares: 111_000_000, price: 45_000 },
  { t: '028050', n: '삼성E&A', s: '건설', shares: 196_000_000, price: 24_000 },
  { t: '036570', n: '엔씨소프트', s: '오락·문화', shares: 21_954_022, price: 180_000 },
  { t: '251270', n: '넷마블', s: '오락·문화', shares: 86_000_000, price: 56_000 },
  { t: '259960', n: '크래프톤', s: '오락·문화', shares: 48_000_000, price: 320_000 },
  { t: '352820', n: '하이브', s: '오락·문화', shares: 41_600_000, price: 260_000 },
  { t: '323410', n: '카카오뱅크', s: '금융', shares: 477_000_000, price: 22_000 },
  { t: '377300', n: '카카오페이', s: 'IT 서비스', shares: 134_000_000, price: 35_000 },
  { t: '011070', n: 'LG이노텍', s: '전기·전자', shares: 23_667_121, price: 160_000 },
  { t: '000880', n: '한화', s: '금융', shares: 75_000_000, price: 45_000 },
  { t: '009830', n: '한화솔루션', s: '화학', shares: 171_000_000, price: 25_000 },
  { t: '001040', n: 'CJ', s: '금융', shares: 29_000_000, price: 110_000 },
  { t: '004990', n: '롯데지주', s: '금융', shares: 105_000_000, price: 22_000 },
  { t: '139480', n: '이마트', s: '유통', shares: 27_875_819, price: 70_000 },
  { t: '023530', n: '롯데쇼핑', s: '유통', shares: 28_288_755, price: 62_000 },
  { t: '000020', n: '동화약품', s: '제약', shares: 27_931_470, price: 5_000 },
  { t: '000040', n: 'KR모터스', s: '운송장비·부품', shares: 96_000_000, price: 1_200 },
  { t: '000050', n: '경방', s: '섬유·의류', shares: 27_415_270, price: 8_000 },
  { t: '000070', n: '삼양홀딩스', s: '금융', shares: 8_564_271, price: 70_000 },
  { t: '000080', n: '하이트진로', s: '음식료·담배', shares: 70_133_611, price: 19_500 },
  { t: '000120', n: 'CJ대한통운', s: '운송·창고', shares: 22_812_344, price: 90_000 },
  { t: '000150', n: '두산', s: '금융', shares: 16_523_835, price: 330_000 },
  { t: '000240', n: '한국앤컴퍼니', s: '금융', shares: 94_935_240, price: 18_000 },
  { t: '002380', n: 'KCC', s: '화학', shares: 8_889_069, price: 280_000 },
  { t: '006800', n: '미래에셋증권', s: '증권', shares: 620_000_000, price: 11_000 },
  { t: '016360', n: '삼성증권', s: '증권', shares: 89_300_000, price: 48_000 },
  { t: '039490', n: '키움증권', s: '증권', shares: 26_200_000, price: 130_000 },
  { t: '071050', n: '한국금융지주', s: '증권', shares: 55_700_000, price: 80_000 },
  { t: '008770', n: '호텔신라', s: '유통', shares: 39_248_121, price: 45_000 },
  { t: '018880', n: '한온시스템', s: '운송장비·부품', shares: 533_000_000, price: 3_500 },
  { t: '003670', n: '포스코퓨처엠', s: '화학', shares: 77_460_000, price: 150_000 },
  { t: '047050', n: '포스코인터내셔널', s: '유통', shares: 176_000_000, price: 45_000 },
  { t: '402340', n: 'SK스퀘어', s: '금융', shares: 134_000_000, price: 100_000 },
  { t: '361610', n: 'SK아이이테크놀로지', s: '화학', shares: 71_300_000, price: 25_000 },
  { t: '302440', n: 'SK바이오사이언스', s: '제약', shares: 76_800_000, price: 52_000 },
  { t: '138040', n: '메리츠금융지주', s: '금융', shares: 190_000_000, price: 100_000 },
  { t: '078930', n: 'GS', s: '금융', shares: 92_900_000, price: 40_000 },
  { t: '006260', n: 'LS', s: '금융', shares: 32_200_000, price: 120_000 },
  { t: '001450', n: '현대해상', s: '보험', shares: 89_400_000, price: 25_000 },
  { t: '005830', n: 'DB손해보험', s: '보험', shares: 70_800_000, price: 100_000 },
  { t: '000990', n: 'DB하이텍', s: '전기·전자', shares: 44_400_000, price: 40_000 },
  { t: '005935', n: '삼성전자우', s: '전기·전자', shares: 815_974_664, price: 58_000, kind: 'preferred' },
  { t: '005387', n: '현대차2우B', s: '운송장비·부품', shares: 37_000_000, price: 170_000, kind: 'preferred' },
  // ETFs list on KOSPI; the sector ETFs are the market gate's defaults (signals.md).
  { t: '069500', n: 'KODEX 200', s: 'ETF', shares: 170_000_000, price: 35_000, kind: 'etf' },
  { t: '102110', n: 'TIGER 200', s: 'ETF', shares: 90_000_000, price: 35_000, kind: 'etf' },
  { t: '091160', n: 'KODEX 반도체', s: 'ETF', shares: 10_000_000, price: 35_000, kind: 'etf', beta: 1.3 },
  { t: '305720', n: 'KODEX 2차전지산업', s: 'ETF', shares: 80_000_000, price: 15_000, kind: 'etf', beta: 1.4 },
  { t: '091180', n: 'KODEX 자동차', s: 'ETF', shares: 20_000_000, price: 20_000, kind: 'etf' },
  { t: '244580', n: 'KODEX 바이오', s: 'ETF', shares: 10_000_000, price: 8_000, kind: 'etf', beta: 1.2 },
  { t: '091170', n: 'KODEX 은행', s: 'ETF', shares: 30_000_000, price: 10_000, kind: 'etf', beta: 0.8 },
  { t: '114800', n: 'KODEX 인버스', s: 'ETF', shares: 300_000_000, price: 4_500, kind: 'etf', beta: -1 },
  { t: '122630', n: 'KODEX 레버리지', s: 'ETF', shares: 150_000_000, price: 17_000, kind: 'etf', beta: 2 },
  { t: '252670', n: 'KODEX 200선물인버스2X', s: 'ETF', shares: 1_000_000_000, price: 1_300, kind: 'etf', beta: -2 },
  { t: '229200', n: 'KODEX 코스닥150', s: 'ETF', shares: 50_000_000, price: 11_000, kind: 'etf', factor: 'KOSDAQ' },
  { t: '233740', n: 'KODEX 코스닥150레버리지', s: 'ETF', shares: 120_000_000, price: 8_000, kind: 'etf', beta: 2, factor: 'KOSDAQ' },
  { t: '251340', n: 'KODEX 코스닥150선물인버스', s: 'ETF', shares: 200_000_000, price: 4_000, kind: 'etf', beta: -1, factor: 'KOSDAQ' },
];

const KOSDAQ_ROWS: readonly Row[] = [
  { t: '247540', n: '에코프로비엠', s: '전기·전자', shares: 97_800_000, price: 120_000 },
  { t: '086520', n: '에코프로', s: '화학', shares: 133_000_000, price: 70_000 },
  { t: '196170', n: '알테오젠', s: '제약', shares: 53_400_000, price: 420_000 },
  { t: '0015N0', n: '아로마티카', s: '화학', shares: 20_000_000, price: 15_000 },
  { t: '028300', n: 'HLB', s: '제약', shares: 131_000_000, price: 60_000 },
  { t: '068760', n: '셀트리온제약', s: '제약', shares: 44_000_000, price: 45_000 },
  { t: '263750', n: '펄어비스', s: '오락·문화', shares: 63_700_000, price: 35_000 },
  { t: '293490', n: '카카오게임즈', s: '오락·문화', shares: 83_000_000, price: 15_500 },
  { t: '035900', n: 'JYP Ent.', s: '오락·문화', shares: 35_500_000, price: 70_000 },
  { t: '041510', n: '에스엠', s: '오락·문화', shares: 23_800_000, price: 100_000 },
  { t: '122870', n: '와이지엔터테인먼트', s: '오락·문화', shares: 18_700_000, price: 60_000 },
  { t: '058470', n: '리노공업', s: '반도체', shares: 15_242_370, price: 190_000 },
  { t: '240810', n: '원익IPS', s: '반도체', shares: 49_000_000, price: 30_000 },
  { t: '039030', n: '이오테크닉스', s: '반도체', shares: 12_300_000, price: 150_000 },
  { t: '357780', n: '솔브레인', s: '반도체', shares: 7_780_000, price: 230_000 },
  { t: '145020', n: '휴젤', s: '제약', shares: 12_000_000, price: 310_000 },
  { t: '214150', n: '클래시스', s: '의료·정밀기기', shares: 65_500_000, price: 52_000 },
  { t: '141080', n: '리가켐바이오', s: '제약', shares: 36_000_000, price: 120_000 },
  { t: '214450', n: '파마리서치', s: '제약', shares: 10_300_000, price: 450_000 },
  { t: '277810', n: '레인보우로보틱스', s: '기계·장비', shares: 19_400_000, price: 260_000 },
  { t: '403870', n: 'HPSP', s: '반도체', shares: 82_000_000, price: 30_000 },
  { t: '039200', n: '오스코텍', s: '제약', shares: 38_000_000, price: 30_000 },
  { t: '328130', n: '루닛', s: 'IT 서비스', shares: 28_000_000, price: 45_000 },
  { t: '095340', n: 'ISC', s: '반도체', shares: 21_200_000, price: 60_000 },
  { t: '067310', n: '하나마이크론', s: '반도체', shares: 48_000_000, price: 12_000 },
  { t: '112040', n: '위메이드', s: '오락·문화', shares: 34_000_000, price: 25_000 },
  { t: '036930', n: '주성엔지니어링', s: '반도체', shares: 48_300_000, price: 30_000 },
  { t: '078600', n: '대주전자재료', s: '화학', shares: 15_000_000, price: 80_000 },
  { t: '222800', n: '심텍', s: '반도체', shares: 32_000_000, price: 25_000 },
  { t: '348370', n: '엔켐', s: '화학', shares: 20_600_000, price: 70_000 },
  { t: '084370', n: '유진테크', s: '반도체', shares: 22_100_000, price: 40_000 },
  { t: '253450', n: '스튜디오드래곤', s: '오락·문화', shares: 30_000_000, price: 45_000 },
  { t: '032820', n: '우리기술', s: '전기·전자', shares: 150_000_000, price: 1_600 },
  { t: '005290', n: '동진쎄미켐', s: '반도체', shares: 51_400_000, price: 25_000 },
  { t: '237690', n: '에스티팜', s: '제약', shares: 20_000_000, price: 90_000 },
  { t: '095610', n: '테스', s: '반도체', shares: 20_000_000, price: 19_000 },
  { t: '030520', n: '한글과컴퓨터', s: 'IT 서비스', shares: 24_000_000, price: 21_000 },
  { t: '035760', n: 'CJ ENM', s: '오락·문화', shares: 21_900_000, price: 70_000 },
  { t: '042000', n: '카페24', s: 'IT 서비스', shares: 23_000_000, price: 30_000 },
  { t: '290650', n: '엘앤씨바이오', s: '제약', shares: 24_000_000, price: 30_000 },
  { t: '086900', n: '메디톡스', s: '제약', shares: 7_000_000, price: 150_000 },
  { t: '000250', n: '삼천당제약', s: '제약', shares: 23_000_000, price: 150_000 },
  { t: '383310', n: '에코프로에이치엔', s: '화학', shares: 15_000_000, price: 40_000 },
  { t: '140410', n: '메지온', s: '제약', shares: 30_000_000, price: 30_000 },
  { t: '048410', n: '현대바이오', s: '제약', shares: 40_000_000, price: 9_000 },
  { t: '053800', n: '안랩', s: 'IT 서비스', shares: 10_000_000, price: 60_000 },
  { t: '101490', n: '에스앤에스텍', s: '반도체', shares: 21_400_000, price: 25_000 },
  { t: '319660', n: '피에스케이', s: '반도체', shares: 29_000_000, price: 25_000 },
  { t: '046890', n: '서울반도체', s: '반도체', shares: 58_300_000, price: 8_000 },
];

/** ±25 % around the default, fixed per ticker so the universe needs no seed. */
function jitter(ticker: string, salt: string): number {
  return 0.75 + (hashString(`${ticker}:${salt}`) / 4_294_967_296) * 0.5;
}

function toInstrument(row: Row, market: MarketName): SimInstrument {
  const kind = row.kind ?? 'stock';
  const profile = kind === 'etf' || kind === 'etn' ? 'fund' : kind === 'preferred' ? 'preferred' : market;
  const beta = row.beta ?? 1;
  return {
    ticker: row.t,
    name: row.n,
    market,
    kind,
    listedShares: row.shares,
    sector: row.s,
    basePrice: roundToTick(row.price, kind),
    // Leveraged and inverse funds move with their multiple of the factor.
    dailyVol: DEFAULT_VOL[profile] * jitter(row.t, 'vol') * (profile === 'fund' ? Math.max(1, Math.abs(beta)) : 1),
    turnover: DEFAULT_TURNOVER[profile] * jitter(row.t, 'turnover'),
    beta,
    factor: row.factor ?? market,
  };
}

/** The simulated universe, KOSPI first, in a fixed order. */
export const UNIVERSE: readonly SimInstrument[] = Object.freeze([
  ...KOSPI_ROWS.map((row) => toInstrument(row, 'KOSPI')),
  ...KOSDAQ_ROWS.map((row) => toInstrument(row, 'KOSDAQ')),
]);

/** Public view of an instrument: the `Instrument` fields only, as the API layer sees them. */
export function publicInstrument(inst: SimInstrument): Instrument {
  return {
    ticker: inst.ticker,
    name: inst.name,
    market: inst.market,
    kind: inst.kind,
    listedShares: inst.listedShares,
    sector: inst.sector,
  };
}
