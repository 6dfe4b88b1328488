// `restic backup --stdin` fed from a dump stream. restic cannot tell a finished stream from a broken one:
// closing its stdin early would save a truncated dump as a good snapshot. So on a stream error restic is
// killed BEFORE stdin is closed, and any snapshot of this run that exists anyway is forgotten.
import type { Readable } from 'node:stream';
import { errorMessage, ResticFailedError } from '@baqup/core';
import { signalGroup } from '@baqup/proc';
import { UploadFailedError } from '../errors.js';
import type { ResticContext } from './restic-exec.js';
import { listSnapshots } from './restic-snapshots.js';

export interface BackupStdinOptions {
  /** Path inside the snapshot, `{container}/{type}-{instance}.{ext}`. */
  stdinFilename: string;
  /** e.g. `container:nextcloud`, `target:postgres-main`, `schedule:daily`. */
  tags: string[];
  host?: string;
  /** The snapshot's time (`--time`), for a backup stored later than it was made (a retried upload); default now. */
  time?: Date;
  signal?: AbortSignal;
}

export interface ResticBackupReport {
  snapshotId: string;
  bytesProcessed: number;
  /** New data stored after dedupe and compression. */
  bytesAdded: number;
  durationMs: number;
}

interface Summary {
  message_type?: string;
  snapshot_id?: string;
  total_bytes_processed?: number;
  data_added?: number;
}

export async function backupStdin(ctx: ResticContext, input: Readable, o: BackupStdinOptions): Promise<ResticBackupReport> {
  const host = o.host ?? ctx.options.host;
  const started = new Date();
  let summary: Summary | undefined;
  const { child } = ctx.start(
    ['backup', '--stdin', '--stdin-filename', o.stdinFilename, '--host', host, ...o.tags.flatMap((t) => ['--tag', t]),
      ...(o.time ? ['--time', resticTime(o.time, ctx.options.timeZone ?? 'UTC')] : []), '--json'],
    {
      signal: o.signal,
      onLine: (line) => {
        if (!line.includes('"summary"')) return;
        try {
          summary = JSON.parse(line) as Summary;
        } catch {
          // not the summary after all
        }
      },
    },
  );
  const stdin = child.stdin!;
  const interrupt = async (): Promise<void> => {
    if (child.pid > 0) signalGroup(child.pid, 'SIGINT');
    const gone = await Promise.race([child.exited.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    if (!gone) await child.kill();
  };
  let inputError: Error | undefined;
  const inputFailed = new Promise<void>((resolve) => {
    input.once('error', (err) => {
      inputError = err;
      input.unpipe(stdin);
      // Stop restic first, with stdin still open: it must never see an end-of-file for a broken dump.
      // SIGINT, not SIGTERM: on SIGINT restic removes its lock; SIGTERM (measured on 0.14) leaves a stale one.
      void interrupt().finally(resolve);
    });
  });
  input.pipe(stdin);
  try {
    await Promise.race([child.exited, inputFailed.then(() => child.exited)]);
    if (inputError) throw inputError;
    if (summary?.snapshot_id === undefined) throw new Error('restic exited 0 without a snapshot id');
  } catch (err) {
    input.unpipe(stdin);
    // The dump must stop when restic fails (repository locked, full…): destroy what feeds us.
    if (!input.destroyed) input.destroy(err instanceof Error ? err : new Error(String(err)));
    await forgetRunSnapshots(ctx, o, host, started);
    const why = inputError ? `input stream failed: ${errorMessage(inputError)}` : errorMessage(err);
    throw new UploadFailedError(`restic backup of ${o.stdinFilename} to ${ctx.display} failed: ${why}`, { cause: inputError ?? err });
  }
  return {
    snapshotId: summary.snapshot_id,
    bytesProcessed: summary.total_bytes_processed ?? 0,
    bytesAdded: summary.data_added ?? 0,
    durationMs: Date.now() - started.getTime(),
  };
}

/** `--time` takes local wall time in restic's zone (its TZ is the repository's timeZone): `2006-01-02 15:04:05`. */
export function resticTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A failed run must leave no snapshot that looks good: forget any of this path and tags made since it started. */
async function forgetRunSnapshots(ctx: ResticContext, o: BackupStdinOptions, host: string, since: Date): Promise<void> {
  try {
    // A restic killed hard (abort, timeout) leaves its lock; plain `unlock` removes only locks of dead processes.
    await ctx.run(['unlock']);
    const made = (await listSnapshots(ctx, { tags: o.tags, host })).filter(
      (s) =>
        s.paths.includes(`/${o.stdinFilename.replace(/^\/+/, '')}`) &&
        // A snapshot given its time (--time) carries exactly that one; else it was made since the run started.
        (o.time ? Math.abs(s.time.getTime() - o.time.getTime()) < 1000 : s.time.getTime() >= since.getTime() - 1000),
    );
    for (const s of made) {
      await ctx.run(['forget', s.id]);
      ctx.options.logger.warn('forgot the snapshot of a failed backup', { path: o.stdinFilename, snapshot: s.shortId, repository: ctx.display });
    }
  } catch (err) {
    ctx.options.logger.error('could not check for a snapshot of a failed backup', {
      path: o.stdinFilename, repository: ctx.display, error: new ResticFailedError(errorMessage(err), { cause: err }),
    });
  }
}

