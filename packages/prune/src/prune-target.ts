// Retention applied to one target × schedule on both sides, staging and remote, each on its own listing.
// A side whose listing failed is never pruned: deciding on a partial view could delete the only good copy.
// Manual runs and restore safety copies are groups of their own (groups.ts) with their own policies.
// The remote side is this controller's host directory only: another host's files are never listed, so never judged.
import type { BackupTrigger, Logger, RetentionPolicy } from '@baqup/core';
import { errorCode, errorMessage, targetName } from '@baqup/core';
import { backupFiles, NAME_AHEAD_MAX_MS, targetPath } from '@baqup/stage';
import { removeStaged, stagedBackups, type FilesSide, type RcloneRemote } from '@baqup/upload';
import type { LogFields } from '@baqup/core';
import { DEFAULT_TRIGGER_RETENTION, keepText, policyOf, retentionGroupOf, type TriggerRetention } from './groups.js';
import { selectForDeletion, type KeepReason, type KeepSlot } from './retention.js';
import { parseCompactTimestamp } from './timestamp.js';

export interface PruneTargetOptions {
  stagingRoot: string;
  /** Omit to prune staging only. */
  remote?: Pick<RcloneRemote, 'display' | 'list' | 'delete'>;
  container: string;
  type: string;
  instance: string;
  schedule: string;
  /** The schedule's policy: judges the target's scheduled backups of `schedule`. */
  policy: RetentionPolicy;
  /** Policies of the target's manual backups and safety copies; default DEFAULT_TRIGGER_RETENTION. */
  triggerRetention?: TriggerRetention;
  /** Decide and log what would go, delete nothing. */
  dryRun?: boolean;
  logger: Logger;
  now?: Date;
  timeZone?: string;
  signal?: AbortSignal;
}

export type PruneSide = 'staging' | 'remote';

export interface SidePruneResult {
  side: PruneSide;
  /** Backups of this schedule found on the side (complete ones: with a manifest). */
  listed: number;
  kept: KeptEntry[];
  /** Relative paths deleted (or, on a dry run, that would be). */
  deleted: string[];
  dryRun: boolean;
  /** Set when the side was skipped (listing failed) or a deletion failed half-way. */
  error?: { code: string; message: string };
}

export interface KeptEntry {
  path: string;
  /** Which retention group kept it. */
  group: BackupTrigger;
  reasons: KeepReason[];
  slots: KeepSlot[];
  /** keepText: `daily 3/7, weekly 2/4`, `manual (last 2/5)`. */
  why: string;
}

interface Entry {
  id: string;
  time: Date;
  success: boolean;
  group: BackupTrigger;
}

/** Lists, decides and deletes per side; never throws for a side's failure (it is in the result and logged as `prune.failed`). */
export async function pruneTarget(o: PruneTargetOptions): Promise<SidePruneResult[]> {
  const prefix = targetPath(o.container, o.type, o.instance);
  const results = [
    await pruneSide(o, 'staging', {
      list: async () => (await stagedBackups(o.stagingRoot, prefix)).map((b) => ({ path: b.relativePath, manifest: b.manifest })),
      remove: (path) => removeStaged(`${o.stagingRoot}/${path}`),
    }),
  ];
  const remote = o.remote;
  if (remote !== undefined) {
    results.push(
      await pruneSide(o, 'remote', {
        list: async () => (await remote.list(prefix, o.signal)).map((b) => ({ path: b.path, manifest: b.manifest })),
        remove: async (path) => {
          // Data first, manifest last: an interrupted delete leaves a still-listed backup the next prune retries.
          for (const p of backupFiles(path)) await remote.delete(p, o.signal);
        },
      }),
    );
  }
  return results;
}

/**
 * Retention over one side (staging, an rclone remote, a restic repository's snapshots): list, decide, delete; never
 * throws. `extra` is added to each `prune.*` line (the controller's job_id).
 */
export async function pruneSide(o: PruneTargetOptions, side: PruneSide, files: FilesSide, extra: LogFields = {}): Promise<SidePruneResult> {
  const { list, remove } = files;
  const entryFields = (id: string): LogFields => ({ path: id, ...files.logFields?.(id) });
  const dryRun = o.dryRun ?? false;
  const fields = { ...extra, container: o.container, target: targetName(o), schedule: o.schedule, side };
  const result: SidePruneResult = { side, listed: 0, kept: [], deleted: [], dryRun };
  let entries: Entry[];
  try {
    entries = (await list()).flatMap((b) => {
      // Only complete backups take part (of this schedule, or manual/safety ones of this target); the rest is not ours to judge.
      const group = b.manifest === undefined ? undefined : retentionGroupOf(b.manifest, o.schedule);
      if (b.manifest === undefined || group === undefined) return [];
      const time = (b.manifest.timestamp === undefined ? null : parseCompactTimestamp(b.manifest.timestamp)) ?? b.time ?? parseCompactTimestamp(b.path.split('/').at(-1) ?? '');
      return time === null ? [] : [{ id: b.path, time, success: true, group }];
    });
  } catch (err) {
    result.error = { code: errorCode(err), message: errorMessage(err) };
    o.logger.error('prune skipped: listing failed', { ...fields, event: 'prune.failed', error: result.error });
    return result;
  }
  result.listed = entries.length;
  const triggers = o.triggerRetention ?? DEFAULT_TRIGGER_RETENTION;
  const toDelete: Entry[] = [];
  for (const group of ['schedule', 'manual', 'safety'] as const) {
    const members = entries.filter((e) => e.group === group);
    if (members.length === 0) continue;
    const decision = selectForDeletion(members, policyOf(group, o.policy, triggers), o.now ?? new Date(), {
      timeZone: o.timeZone,
      aheadToleranceMs: NAME_AHEAD_MAX_MS,
    });
    for (const k of decision.keep) {
      result.kept.push({ path: k.backup.id, group, reasons: k.reasons, slots: k.slots, why: keepText(group, k.slots) });
    }
    toDelete.push(...decision.delete);
  }
  for (const b of toDelete) {
    const groupFields = b.group === 'schedule' ? {} : { trigger: b.group };
    if (dryRun) {
      o.logger.info('prune would delete', { ...fields, ...groupFields, ...entryFields(b.id), dry_run: true });
      result.deleted.push(b.id);
      continue;
    }
    try {
      await remove(b.id);
    } catch (err) {
      result.error = { code: errorCode(err), message: errorMessage(err) };
      o.logger.error('prune delete failed', { ...fields, ...groupFields, event: 'prune.failed', ...entryFields(b.id), error: result.error });
      return result;
    }
    result.deleted.push(b.id);
    o.logger.info('backup deleted by retention', { ...fields, ...groupFields, event: 'prune.deleted', ...entryFields(b.id) });
  }
  return result;
}
