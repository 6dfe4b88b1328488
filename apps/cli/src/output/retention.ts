// A retention policy in the words of the labels that set it: the `retention` label's value (`7`, `14d`), then any
// `keep_daily=7`-style labels, so `baqup plan` shows what the user wrote rather than internal field names.
import type { RetentionPolicy } from '@baqup/core';

const UNITS: Array<[string, number]> = [['w', 604_800], ['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]];

/** Seconds as the largest unit that divides them exactly: 1209600 → `2w`, 129600 → `36h`. */
export function durationWords(seconds: number): string {
  const [unit, size] = UNITS.find(([, n]) => seconds % n === 0) ?? ['s', 1];
  return `${seconds / size}${unit}`;
}

export function retentionWords(policy: RetentionPolicy | undefined): string {
  if (!policy) return '-';
  const words: string[] = [];
  if (policy.keepLast !== undefined) words.push(String(policy.keepLast));
  if (policy.keepWithinSeconds !== undefined) words.push(durationWords(policy.keepWithinSeconds));
  if (policy.keepDaily !== undefined) words.push(`keep_daily=${policy.keepDaily}`);
  if (policy.keepWeekly !== undefined) words.push(`keep_weekly=${policy.keepWeekly}`);
  if (policy.keepMonthly !== undefined) words.push(`keep_monthly=${policy.keepMonthly}`);
  return words.join(',') || 'keep all';
}
