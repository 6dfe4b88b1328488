// Retention groups of one target: its schedule's backups, its manual backups, its restore safety copies. Each group
// is judged by its own policy on its own backups only, so seven `baqup backup` runs in an afternoon take no slot of
// the daily schedule's seven, and a schedule's keep-last never removes a manual backup. Pure.
import type { BackupManifest, BackupTrigger, RetentionPolicy } from '@baqup/core';
import { triggerOf } from '@baqup/stage';
import type { KeepSlot } from './retention.js';

/** The policies of the groups a schedule does not govern. */
export interface TriggerRetention {
  /** Manual runs (`baqup backup`, POST /api/backups): config `retention.manual`. */
  manual: RetentionPolicy;
  /** The copies a restore takes of what it replaces: config `retention.safety`. */
  safety: RetentionPolicy;
}

/** The documented defaults (docs/config.md `retention.*`): the newest 5 manual backups, the newest 3 safety copies per target. */
export const DEFAULT_TRIGGER_RETENTION: Readonly<TriggerRetention> = Object.freeze({ manual: { keepLast: 5 }, safety: { keepLast: 3 } });

/**
 * The group a backup of this target falls in when the target's schedule `schedule` is pruned, or undefined when it
 * is none of this prune's business (another schedule's scheduled backup: it is judged when that schedule runs).
 * Manual and safety backups group per target whatever schedule they ran under.
 */
export function retentionGroupOf(manifest: Pick<BackupManifest, 'schedule' | 'trigger'>, schedule: string): BackupTrigger | undefined {
  const trigger = triggerOf(manifest);
  if (trigger !== 'schedule') return trigger;
  return manifest.schedule === schedule ? 'schedule' : undefined;
}

export function policyOf(group: BackupTrigger, schedulePolicy: RetentionPolicy, triggers: TriggerRetention): RetentionPolicy {
  return group === 'schedule' ? schedulePolicy : triggers[group];
}

const SLOT_TEXT: Record<KeepSlot['reason'], string> = {
  'no-policy': 'no retention policy',
  future: 'dated in the future',
  'newest-success': 'newest',
  last: 'last',
  within: 'within',
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
};

/**
 * Why a backup is kept, for people: `daily 3/7, weekly 2/4` for a scheduled one; `manual (last 2/5)` and
 * `safety copy (last 1/3)` for the others. `newest` alone means no rule but "always keep the newest" holds it.
 */
export function keepText(group: BackupTrigger, slots: readonly KeepSlot[]): string {
  const rules = slots.map((s) => (s.rank !== undefined && s.of !== undefined ? `${SLOT_TEXT[s.reason]} ${s.rank}/${s.of}` : SLOT_TEXT[s.reason]));
  // "newest" is noise next to a rule that holds the backup anyway.
  const shown = rules.length > 1 ? rules.filter((r) => r !== 'newest') : rules;
  if (group === 'schedule') return shown.join(', ');
  const label = group === 'manual' ? 'manual' : 'safety copy';
  return `${label} (${shown.join(', ')})`;
}
