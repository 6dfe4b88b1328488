// Retention applied to one target × schedule on both sides, staging and remote, each on its own listing.
// A side whose listing failed is never pruned: deciding on a partial view could delete the only good copy.
import type { BackupManifest, Logger, RetentionPolicy } from '@baqup/core';
import { errorCode, errorMessage, targetKey, targetName } from '@baqup/core';
import { listStaged, removeStaged, type RcloneRemote } from '@baqup/upload';
import { selectForDeletion, type KeepReason } from './retention.js';
import { parseCompactTimestamp } from './timestamp.js';

export interface PruneTargetOptions {
  stagingRoot: string;
  /** Omit to prune staging only. */
  remote?: Pick<RcloneRemote, 'display' | 'list' | 'delete'>;
  container: string;
  type: string;
  instance: string;
  schedule: string;
  policy: RetentionPolicy;
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
  kept: Array<{ path: string; reasons: KeepReason[] }>;
  /** Relative paths deleted (or, on a dry run, that would be). */
  deleted: string[];
  dryRun: boolean;
  /** Set when the side was skipped (listing failed) or a deletion failed half-way. */
  error?: { code: string; message: string };
}

interface Entry {
  id: string;
  time: Date;
  success: boolean;
}

/** Lists, decides and deletes per side; never throws for a side's failure (it is in the result and logged as `prune.failed`). */
export async function pruneTarget(o: PruneTargetOptions): Promise<SidePruneResult[]> {
  const prefix = targetKey(o.container, o);
  const results = [
    await pruneSide(o, 'staging', async () => (await listStaged(o.stagingRoot, prefix)).map((b) => ({ path: b.relativePath, manifest: b.manifest })),
      (path) => removeStaged(`${o.stagingRoot}/${path}`)),
  ];
  const remote = o.remote;
  if (remote !== undefined) {
    results.push(
      await pruneSide(o, 'remote', async () => (await remote.list(prefix, o.signal)).map((b) => ({ path: b.path, manifest: b.manifest })),
        async (path) => {
          // Data first, manifest last: an interrupted delete leaves a still-listed backup the next prune retries.
          for (const p of [path, `${path}.sha256`, `${path}.manifest.json`]) await remote.delete(p, o.signal);
        }),
    );
  }
  return results;
}

async function pruneSide(
  o: PruneTargetOptions,
  side: PruneSide,
  list: () => Promise<Array<{ path: string; manifest?: BackupManifest }>>,
  remove: (path: string) => Promise<void>,
): Promise<SidePruneResult> {
  const dryRun = o.dryRun ?? false;
  const fields = { container: o.container, target: targetName(o), schedule: o.schedule, side };
  const result: SidePruneResult = { side, listed: 0, kept: [], deleted: [], dryRun };
  let entries: Entry[];
  try {
    entries = (await list()).flatMap((b) => {
      // Only complete backups of this schedule take part; anything else is not ours to judge.
      if (b.manifest?.schedule !== o.schedule) return [];
      const time = parseCompactTimestamp(b.manifest.timestamp) ?? parseCompactTimestamp(b.path.split('/').at(-1) ?? '');
      return time === null ? [] : [{ id: b.path, time, success: true }];
    });
  } catch (err) {
    result.error = { code: errorCode(err), message: errorMessage(err) };
    o.logger.error('prune skipped: listing failed', { ...fields, event: 'prune.failed', error: result.error });
    return result;
  }
  result.listed = entries.length;
  const decision = selectForDeletion(entries, o.policy, o.now ?? new Date(), { timeZone: o.timeZone });
  result.kept = decision.keep.map((k) => ({ path: k.backup.id, reasons: k.reasons }));
  for (const b of decision.delete) {
    if (dryRun) {
      o.logger.info('prune would delete', { ...fields, path: b.id, dry_run: true });
      result.deleted.push(b.id);
      continue;
    }
    try {
      await remove(b.id);
    } catch (err) {
      result.error = { code: errorCode(err), message: errorMessage(err) };
      o.logger.error('prune delete failed', { ...fields, event: 'prune.failed', path: b.id, error: result.error });
      return result;
    }
    result.deleted.push(b.id);
    o.logger.info('backup deleted by retention', { ...fields, event: 'prune.deleted', path: b.id });
  }
  return result;
}
