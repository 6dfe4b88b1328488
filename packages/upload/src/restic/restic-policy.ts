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

export interface SnapshotGroup {
  container: string;
  /** `type-instance`. */
  target: string;
  schedule: string;
  trigger: 'schedule' | 'manual' | 'safety';
  /** The controller's stable host (config `host`), also given as `--host`. */
  host: string;
}

/**
 * The tags of a snapshot, which are also its retention group: forget runs with `--group-by tags` and these tags as
 * the filter (all must match). `trigger:` splits a target's scheduled snapshots from its manual runs and safety
 * copies, so a schedule's forget never selects them. The `host:` tag names the controller's stable host (config
 * `host`) beside restic's own `--host`; another host's snapshots never match.
 */
export function snapshotTags(g: SnapshotGroup): string[] {
  return [`container:${g.container}`, `target:${g.target}`, `schedule:${g.schedule}`, `trigger:${g.trigger}`, `host:${g.host}`];
}
