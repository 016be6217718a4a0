/** Display formats. KRX convention: a rise is red (▲), a fall is blue (▼). */
export type Direction = 'up' | 'down' | 'flat';

const integer = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat('ko-KR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const kstTime = new Intl.DateTimeFormat('ko-KR', {
  timeZone: 'Asia/Seoul',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const DASH = '—';

const isNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

export function direction(change: number | null | undefined): Direction {
  if (!isNumber(change) || change === 0) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/** 67500 → "67,500". */
export function formatPrice(n: number | null | undefined): string {
  return isNumber(n) ? integer.format(n) : DASH;
}

/** 2364.77 → "2,364.77". */
export function formatIndex(n: number | null | undefined): string {
  return isNumber(n) ? twoDecimals.format(n) : DASH;
}

/** A change against the previous close with the KRX arrow: 700 → "▲700", -390 → "▼390", 0 → "0". */
export function formatChange(n: number | null | undefined): string {
  if (!isNumber(n)) return DASH;
  if (n === 0) return '0';
  return `${n > 0 ? '▲' : '▼'}${integer.format(Math.abs(n))}`;
}

/** 1.05 → "+1.05%", -0.77 → "-0.77%". */
export function formatPct(n: number | null | undefined): string {
  if (!isNumber(n)) return DASH;
  return `${n > 0 ? '+' : ''}${twoDecimals.format(n)}%`;
}

export function formatVolume(n: number | null | undefined): string {
  return isNumber(n) ? integer.format(n) : DASH;
}

/** An ISO instant as KST wall-clock time, "15:00:40". */
export function formatKstTime(iso: string | undefined): string {
  if (iso === undefined) return DASH;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? DASH : kstTime.format(ms);
}

/** A duration for the live panel: "85 ms", "1.2 s", "3분 5초", "12시간 43분". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return DASH;
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(abs / 1000);
  if (totalSeconds < 3600) return `${sign}${Math.floor(totalSeconds / 60)}분 ${totalSeconds % 60}초`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${sign}${Math.floor(totalMinutes / 60)}시간 ${totalMinutes % 60}분`;
}
