// restic as the upload backend (`upload.backend: restic`): one repository, snapshots tagged per target.
import { PassThrough, type Readable } from 'node:stream';
import { errorMessage } from '@baqup/core';
import { ResticFailedError } from '../errors.js';
import { backupStdin, type BackupStdinOptions, type ResticBackupReport } from './restic-backup.js';
import { resticContext, type ResticContext, type ResticRepositoryOptions } from './restic-exec.js';
import { unlockStale, type UnlockReport } from './restic-locks.js';
import { listSnapshots, type ResticSnapshot } from './restic-snapshots.js';

export interface ResticRepository {
  readonly display: string;
  /** This controller's `--host` (config `host`): whose snapshots it judges by retention. */
  readonly host: string;
  /** Creates the repository when there is none; never when it exists but cannot be opened (wrong password). */
  init(): Promise<'created' | 'exists'>;
  backupStdin(input: Readable, options: BackupStdinOptions): Promise<ResticBackupReport>;
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
