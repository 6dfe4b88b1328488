// restic as the upload backend (`upload.backend: restic`): one repository, snapshots tagged per target.
import { PassThrough, type Readable } from 'node:stream';
import type { LogFields, RetentionPolicy } from '@baqup/core';
import { errorMessage } from '@baqup/core';
import { ResticFailedError } from '../errors.js';
import { backupStdin, type BackupStdinOptions, type ResticBackupReport } from './restic-backup.js';
import { resticContext, type ResticContext, type ResticRepositoryOptions } from './restic-exec.js';
import { unlockStale, type UnlockReport } from './restic-locks.js';
import { forgetPolicyArgs, tagFilterArgs } from './restic-policy.js';
import { listSnapshots, type ResticSnapshot } from './restic-snapshots.js';

export interface ForgetOptions {
  /** Only snapshots carrying all these tags (one target × schedule). */
  tags?: string[];
  /**
   * Default `host,paths`: with the tag filter (container, target, schedule) that is retention per host and
   * target × schedule. Not `tags`: every snapshot carries its own manifest tag, so each would be a group of one.
   */
  groupBy?: string;
  /** Also `restic prune` when something was forgotten (default true). */
  prune?: boolean;
  dryRun?: boolean;
  /** Added to each `prune.deleted` line (container, target, schedule, job_id), so it can be told apart from other targets'. */
  fields?: LogFields;
}

export interface ForgetReport {
  removed: string[];
  kept: string[];
}

export interface ResticRepository {
  readonly display: string;
  /** This controller's `--host` (config `host`): whose snapshots it judges by retention. */
  readonly host: string;
  /** Creates the repository when there is none; never when it exists but cannot be opened (wrong password). */
  init(): Promise<'created' | 'exists'>;
  backupStdin(input: Readable, options: BackupStdinOptions): Promise<ResticBackupReport>;
  forget(policy: RetentionPolicy, options?: ForgetOptions): Promise<ForgetReport>;
  /** `restic forget <ids>`, without prune: the snapshots retention chose (prune's arithmetic, as for files). */
  forgetSnapshots(ids: string[]): Promise<void>;
  /** `restic prune`: the data no snapshot references any more. */
  prune(): Promise<void>;
  check(options?: { readDataSubset?: string }): Promise<void>;
  snapshots(filter?: { tags?: string[]; host?: string }): Promise<ResticSnapshot[]>;
  /** The bytes of `file` in `snapshot`; the stream errors unless restic exited 0 (core stream contract). */
  dump(snapshotId: string, file: string, signal?: AbortSignal): Readable;
  unlockStale(): Promise<UnlockReport>;
}

export function createResticRepository(options: ResticRepositoryOptions): ResticRepository {
  const ctx = resticContext(options);
  const fail = (what: string) => (err: unknown): never => {
    throw new ResticFailedError(`restic ${what} on ${ctx.display} failed: ${errorMessage(err)}`, { cause: err });
  };
  return {
    display: ctx.display,
    host: options.host,
    init: () => init(ctx).catch(fail('init')),
    backupStdin: (input, o) => backupStdin(ctx, input, o),
    forget: (policy, o) => forget(ctx, policy, o).catch(fail('forget')),
    forgetSnapshots: async (ids) => {
      if (ids.length > 0) await ctx.run(['forget', ...ids]).catch(fail('forget'));
    },
    prune: async () => {
      await ctx.run(['prune']).catch(fail('prune'));
    },
    check: async (o) => {
      await ctx.run(['check', ...(o?.readDataSubset ? ['--read-data-subset', o.readDataSubset] : [])]).catch(fail('check'));
    },
    snapshots: (filter) => listSnapshots(ctx, filter).catch(fail('snapshots')),
    dump: (snapshotId, file, signal) => dump(ctx, snapshotId, file, signal),
    unlockStale: () => unlockStale(ctx).catch(fail('unlock')),
  };
}

async function init(ctx: ResticContext): Promise<'created' | 'exists'> {
  try {
    await ctx.run(['cat', 'config', '--no-lock']);
    return 'exists';
  } catch (err) {
    // Only a repository that is not there gets created; a wrong password or an unreachable backend is an error.
    if (!/Is there a repository|does not exist|no such file or directory/i.test(errorMessage(err))) throw err;
  }
  await ctx.run(['init']);
  ctx.options.logger.info('restic repository created', { repository: ctx.display });
  return 'created';
}

async function forget(ctx: ResticContext, policy: RetentionPolicy, o: ForgetOptions = {}): Promise<ForgetReport> {
  const flags = forgetPolicyArgs(policy);
  if (flags === null) return { removed: [], kept: (await listSnapshots(ctx, { tags: o.tags })).map((s) => s.id) };
  const args = ['forget', '--json', '--group-by', o.groupBy ?? 'host,paths', ...tagFilterArgs(o.tags ?? []), ...flags];
  if (o.dryRun) args.push('--dry-run');
  const groups = JSON.parse((await ctx.run(args)) || '[]') as Array<{ keep?: Array<{ id: string }> | null; remove?: Array<{ id: string }> | null }> | null;
  const report: ForgetReport = {
    removed: (groups ?? []).flatMap((g) => (g.remove ?? []).map((s) => s.id)),
    kept: (groups ?? []).flatMap((g) => (g.keep ?? []).map((s) => s.id)),
  };
  for (const id of report.removed) {
    ctx.options.logger.info('snapshot forgotten by retention', { ...o.fields, event: 'prune.deleted', repository: ctx.display, snapshot: id.slice(0, 8), dry_run: o.dryRun ?? false });
  }
  if (!o.dryRun && (o.prune ?? true) && report.removed.length > 0) await ctx.run(['prune']);
  return report;
}

function dump(ctx: ResticContext, snapshotId: string, file: string, signal?: AbortSignal): Readable {
  const out = new PassThrough();
  const { child } = ctx.start(['dump', snapshotId, `/${file.replace(/^\/+/, '')}`], { signal, maxBytes: 0 });
  child.stdin?.end();
  child.stdout!.pipe(out, { end: false });
  const ended = new Promise<void>((resolve) => child.stdout!.once('end', resolve));
  Promise.all([child.exited, ended]).then(
    () => out.end(),
    (err: unknown) => out.destroy(new ResticFailedError(`restic dump of ${file} from ${ctx.display} failed: ${errorMessage(err)}`, { cause: err })),
  );
  // A consumer that gives up (restore aborted) must not leave restic running.
  out.once('close', () => void child.kill());
  return out;
}

export type { ResticRepositoryOptions, BackupStdinOptions, ResticBackupReport, ResticSnapshot, UnlockReport };
