import { kstParts, sessionPhase, sessionTimes } from '@repo/market';

/**
 * When each job is due, as pure functions of the market clock (KST, trading days from
 * libs/market). The engine ticks every few seconds and asks; a job runs when its slot changed.
 */
export type JobName = 'vcp' | 'closing_bet' | 'gate';

/** A slot identifies one run of a job; the engine runs a job when its slot differs from the last run's. */
export function vcpSlot(now: Date, everyMs: number): string | undefined {
  const phase = sessionPhase(now);
  const date = kstParts(now).date;
  if (phase === 'continuous' || phase === 'closing_auction') return `${date}:session:${Math.floor(now.getTime() / everyMs)}`;
  const close = sessionTimes(date)?.close;
  // After the close of a trading day: one final run for the day.
  if (close !== undefined && now >= close) return `${date}:final`;
  return undefined;
}

/** Preliminary sets every minute 14:50–15:20 KST; the final set once after 15:30. */
export function closingBetSlot(now: Date): { slot: string; final: boolean } | undefined {
  const { date, secondOfDay } = kstParts(now);
  const times = sessionTimes(date);
  if (times === undefined) return undefined;
  const minute = Math.floor(secondOfDay / 60);
  const windowStart = 14 * 60 + 50;
  const windowEnd = 15 * 60 + 20;
  if (minute >= windowStart && minute < windowEnd) return { slot: `${date}:${minute}`, final: false };
  if (now >= times.close) return { slot: `${date}:final`, final: true };
  return undefined;
}

/** The closing-bet window in which the engine asks ingest for every universe ticker. */
export function inClosingBetWindow(now: Date): boolean {
  const { date, secondOfDay } = kstParts(now);
  if (sessionTimes(date) === undefined) return false;
  const minute = Math.floor(secondOfDay / 60);
  return minute >= 14 * 60 + 45 && minute < 15 * 60 + 35;
}
