// Generated backup histories for the retention tests (test-only helper, not exported from the package).
export interface FakeBackup {
  id: string;
  time: Date;
  success: boolean;
  schedule: string;
}

const HOUR = 3_600_000;

export { seededRandom as rng } from '@baqup/core/testing';

export interface HistoryOptions {
  start: Date;
  hours: number;
  everyHours?: number;
  schedule?: string;
  /** Hours [from, to) with no backup at all (host down). */
  gaps?: [number, number][];
  /** Every n-th backup gets a twin with the same timestamp. */
  duplicateEvery?: number;
  /** From this hour on, the clock is a day behind (it jumped back by 24 h). */
  clockJumpBackAt?: number;
  /** Every n-th backup failed. */
  failEvery?: number;
}

/** A backup every `everyHours` hours from `start`, with gaps, duplicates, failures and a clock jump. */
export function history(o: HistoryOptions): FakeBackup[] {
  const out: FakeBackup[] = [];
  const every = o.everyHours ?? 1;
  const schedule = o.schedule ?? 'hourly';
  for (let h = 0, n = 0; h < o.hours; h += every, n++) {
    if (o.gaps?.some(([from, to]) => h >= from && h < to)) continue;
    const skew = o.clockJumpBackAt !== undefined && h >= o.clockJumpBackAt ? 24 * HOUR : 0;
    const time = new Date(o.start.getTime() + h * HOUR - skew);
    const success = o.failEvery === undefined || n % o.failEvery !== o.failEvery - 1;
    out.push({ id: `${schedule}-${String(n).padStart(5, '0')}`, time, success, schedule });
    if (o.duplicateEvery !== undefined && n % o.duplicateEvery === 0) {
      out.push({ id: `${schedule}-${String(n).padStart(5, '0')}b`, time, success, schedule });
    }
  }
  return out;
}

/** Fisher–Yates with the given PRNG: retention must not depend on input order. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
