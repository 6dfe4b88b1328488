// The values that flow between pipeline stages. Errors are values: a stage that fails emits a JobFailed,
// and every later stage passes a JobFailed through untouched.
import type { Readable } from 'node:stream';
import type { BackupJob, BackupManifest, BackupResult, Compression, DrillChecks } from './model.js';
import { targetName } from './target-ref.js';

/**
 * Output of the dump stage. Stream contract: the stream ends only after the dump tool's exit code is known;
 * a non-zero exit (or any failure) destroys the stream with an error, so a half-written dump is never "done".
 */
export interface DumpedJob {
  kind: 'dumped';
  job: BackupJob;
  stream: Readable;
  /** File extension before compression: `sql`, `tar`, `rdb`, `db`, `archive`. */
  extension: string;
  databases?: string[];
  toolVersions: Record<string, string>;
  startedAt: Date;
  /** What a drill will check, known once the stream has ended (fs counts its entries as they pass). Never rejects. */
  checks?: () => Promise<DrillChecks | undefined>;
}

export interface CompressedJob extends Omit<DumpedJob, 'kind'> {
  kind: 'compressed';
  compression: Compression;
  /** Bytes the dump produced (before compression) so far: the whole dump once the stream has ended. */
  rawBytes?: () => number;
  /**
   * Set when the compressor writes the staged file itself (zstd with its stdout on the file: no pipe back through
   * Node). Stage creates the temp file and calls this once with its descriptor instead of reading `stream`, which is
   * then the compressor's input (the dump's stream: destroying it still ends the job) and must not be read. Resolves
   * once the compressor exited 0 having taken all the input; rejects with the dump's error, with an errno-style
   * error (`code` ENOSPC/EDQUOT) when the file could not be written for want of space, or with the compressor's.
   * Aborting `signal` kills the compressor and ends the input.
   */
  writeTo?: (fd: number, signal: AbortSignal) => Promise<void>;
}

export interface StagedJob {
  kind: 'staged';
  job: BackupJob;
  stagingPath: string;
  manifest: BackupManifest;
}

export interface JobFailed {
  kind: 'failed';
  result: BackupResult;
}

export type JobFlow<T> = T | JobFailed;

/** Build a failed result for a job, with the error's code and message (never its context). */
export function failedResult(job: BackupJob, startedAt: Date, error: { code: string; message: string }): JobFailed {
  return {
    kind: 'failed',
    result: { job, success: false, error, durationSeconds: (Date.now() - startedAt.getTime()) / 1000 },
  };
}

/** The stable log fields of a job's lines (docs/logging.md): `target` is `type-instance`. */
export const jobFields = (job: BackupJob) => ({ job_id: job.id, container: job.container.containerName, target: targetName(job.target), schedule: job.schedule.name });
