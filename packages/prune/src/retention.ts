// Which backups of one retention group (one target × schedule) to keep, and why. Pure.
//
// Semantics (restic-like, documented here because operators read it when a backup "disappeared"):
// - A backup is kept if ANY rule keeps it; rules never "consume" each other's backups.
// - Only successful backups count for keep-last/daily/weekly/monthly: a run of failures must never push the
//   last good backups out. Failed backups are kept only while keep-within covers them.
// - keep-last N: the N newest successful backups.
// - keep-within S: every backup whose time is within S seconds before `now`.
// - keep-daily/weekly/monthly N: walking from newest to oldest, the newest successful backup of each of the
//   N most recent calendar days / ISO weeks / calendar months that have one, in `timeZone` (default UTC).
// - The newest successful backup is always kept, whatever the policy.
// - An empty policy (no field > 0) keeps everything: retention is opt-in, deletion never the default.
// - Backups timed after `now` (clock jumped back since, or skew) are kept and take no slot of any rule; "after"
//   means beyond `aheadToleranceMs` (names a burst of runs was given ahead of the clock are not future-dated).
// - Order is by time, newest first; equal times are ordered by id (greater id = newer), so input order never matters.
import type { RetentionPolicy } from '@baqup/core';
import { dayKey, isoWeekKey, monthKey } from './calendar.js';

export interface RetentionCandidate {
  id: string;
  time: Date;
  success: boolean;
}

export type KeepReason =
  | 'no-policy'
  | 'future'
  | 'newest-success'
  | 'last'
  | 'within'
  | 'daily'
  | 'weekly'
  | 'monthly';

/** One rule's hold on a kept backup, with its place among what the rule keeps: `daily` 3 of 7. */
export interface KeepSlot {
  reason: KeepReason;
  /** 1 = the newest this rule keeps (last, daily, weekly, monthly only). */
  rank?: number;
  /** How many this rule keeps at most (its policy count). */
  of?: number;
}

export interface KeptBackup<T> {
  backup: T;
  reasons: KeepReason[];
  /** The same reasons with their rank (`daily` 3 of 7), in the order of `reasons`. */
  slots: KeepSlot[];
}

export interface RetentionDecision<T> {
  /** Newest first. */
  keep: KeptBackup<T>[];
  /** Newest first. */
  delete: T[];
}

export interface RetentionOptions {
  /** IANA zone for calendar buckets; default `UTC`. */
  timeZone?: string;
  /**
   * How far after `now` a backup's time may be and still count as present (default 0). Stage names a second run
   * in the same second with the next free second, so ten runs in five seconds are named up to five seconds ahead
   * of the clock: judged as future-dated, they would take no slot and the older ones would outlive the policy.
   */
  aheadToleranceMs?: number;
}

/** Newest first; ties broken by id so the result never depends on input order. */
export function newestFirst<T extends RetentionCandidate>(a: T, b: T): number {
  const dt = b.time.getTime() - a.time.getTime();
  if (dt !== 0) return dt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  return !(
    (policy.keepLast ?? 0) > 0 ||
    (policy.keepWithinSeconds ?? 0) > 0 ||
    (policy.keepDaily ?? 0) > 0 ||
    (policy.keepWeekly ?? 0) > 0 ||
    (policy.keepMonthly ?? 0) > 0
  );
}

/** Apply `policy` to one retention group (call it per target × schedule; see `groupBy`). */
export function selectForDeletion<T extends RetentionCandidate>(
  backups: readonly T[],
  policy: RetentionPolicy,
  now: Date,
  options: RetentionOptions = {},
): RetentionDecision<T> {
  const timeZone = options.timeZone ?? 'UTC';
  const presentUntil = now.getTime() + Math.max(0, options.aheadToleranceMs ?? 0);
  const sorted = [...backups].sort(newestFirst);
  const reasons = new Map<T, KeepSlot[]>(sorted.map((b) => [b, []]));
  const add = (b: T, reason: KeepReason, rank?: number, of?: number): void =>
    void reasons.get(b)?.push({ reason, ...(rank !== undefined && of !== undefined ? { rank, of } : {}) });

  const empty = isEmptyPolicy(policy);
  const present: T[] = [];
  for (const b of sorted) {
    if (empty) add(b, 'no-policy');
    else if (b.time.getTime() > presentUntil) add(b, 'future');
    else present.push(b);
  }
  // Both the newest success overall and the newest one not in the future: if the clock was wrong when the
  // future-dated one was written, the newest present one is the real latest.
  for (const b of new Set([sorted.find((x) => x.success), present.find((x) => x.success)])) {
    if (b !== undefined && !empty) add(b, 'newest-success');
  }

  if (!empty) {
    const within = policy.keepWithinSeconds ?? 0;
    if (within > 0) {
      const cutoff = now.getTime() - within * 1000;
      for (const b of present) if (b.time.getTime() >= cutoff) add(b, 'within');
    }
    const good = present.filter((b) => b.success);
    const last = Math.max(0, policy.keepLast ?? 0);
    good.slice(0, last).forEach((b, i) => add(b, 'last', i + 1, last));
    keepBuckets(good, policy.keepDaily, (t) => dayKey(t, timeZone), (b, rank, of) => add(b, 'daily', rank, of));
    keepBuckets(good, policy.keepWeekly, (t) => isoWeekKey(t, timeZone), (b, rank, of) => add(b, 'weekly', rank, of));
    keepBuckets(good, policy.keepMonthly, (t) => monthKey(t, timeZone), (b, rank, of) => add(b, 'monthly', rank, of));
  }

  const decision: RetentionDecision<T> = { keep: [], delete: [] };
  for (const b of sorted) {
    const slots = reasons.get(b) ?? [];
    if (slots.length > 0) decision.keep.push({ backup: b, reasons: slots.map((x) => x.reason), slots });
    else decision.delete.push(b);
  }
  return decision;
}

/** Keep the first (newest) backup of each of the first `count` distinct buckets of a newest-first list. */
function keepBuckets<T extends RetentionCandidate>(
  newestFirstList: readonly T[],
  count: number | undefined,
  bucketOf: (time: Date) => string,
  keep: (b: T, rank: number, of: number) => void,
): void {
  const of = count ?? 0;
  let kept = 0;
  let last: string | undefined;
  for (const b of newestFirstList) {
    if (kept >= of) return;
    const bucket = bucketOf(b.time);
    if (bucket === last) continue;
    last = bucket;
    keep(b, ++kept, of);
  }
}
