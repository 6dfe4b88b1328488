// core's RetentionPolicy as `restic forget` flags. Pure.
import type { RetentionPolicy } from '@baqup/core';

/** restic 0.14 durations know y/m/d/h only: round seconds up to whole hours (keeping a little more, never less). */
export function resticDuration(seconds: number): string {
  return `${Math.max(1, Math.ceil(seconds / 3600))}h`;
}

/**
 * Flags for `restic forget`. `--keep-last` is at least 1: whatever the policy, the newest snapshot of each
 * group survives (restic alone would forget everything once keep-within no longer covers the newest).
 * An empty policy returns null: forget nothing (restic would refuse anyway).
 */
export function forgetPolicyArgs(policy: RetentionPolicy): string[] | null {
  const args: string[] = [];
  const pos = (n: number | undefined): n is number => n !== undefined && n > 0;
  if (!(pos(policy.keepLast) || pos(policy.keepWithinSeconds) || pos(policy.keepDaily) || pos(policy.keepWeekly) || pos(policy.keepMonthly))) {
    return null;
  }
  args.push('--keep-last', String(Math.max(1, policy.keepLast ?? 0)));
  if (pos(policy.keepWithinSeconds)) args.push('--keep-within', resticDuration(policy.keepWithinSeconds));
  if (pos(policy.keepDaily)) args.push('--keep-daily', String(policy.keepDaily));
  if (pos(policy.keepWeekly)) args.push('--keep-weekly', String(policy.keepWeekly));
  if (pos(policy.keepMonthly)) args.push('--keep-monthly', String(policy.keepMonthly));
  return args;
}

/** `--tag a,b` matches snapshots carrying all of them (repeated --tag would mean any). */
export function tagFilterArgs(tags: readonly string[]): string[] {
  return tags.length === 0 ? [] : ['--tag', tags.join(',')];
}

/** A repository string as it may be logged: URL passwords (`rest:https://u:p@h/`) removed. */
export function displayRepository(repository: string): string {
  return repository.replace(/(\/\/[^:/@\s]+):[^@/\s]*@/, '$1:[redacted]@');
}
