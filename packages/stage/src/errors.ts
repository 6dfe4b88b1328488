import { BaqupError } from '@baqup/core';

/** Thrown when the staging filesystem is full or over quota (ENOSPC, EDQUOT): the controller halts new jobs until someone frees space. */
export class StageDiskFullError extends BaqupError {
  constructor(path: string, cause: unknown) {
    super('BAQUP_STAGE_DISK_FULL', `staging disk full while writing ${path}`, { cause, retryable: false, context: { path } });
  }
}

/** Thrown when writing, syncing or renaming a staged file fails for any reason other than a full disk. */
export class StageWriteError extends BaqupError {
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
    super('BAQUP_STAGE_WRITE_FAILED', `cannot write staged file ${path}: ${code}`, { cause, retryable: true, context: { path } });
  }
}

/** Thrown when the incoming stream (dump or compressor) failed with an error that carries no baqup code of its own. */
export class StageInputError extends BaqupError {
  constructor(cause: unknown) {
    super('BAQUP_STAGE_INPUT_FAILED', `backup stream failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      retryable: true,
    });
  }
}

/** Thrown when every candidate name for a staged file (the timestamp and the next 59 seconds) is taken. */
export class StageNameTakenError extends BaqupError {
  constructor(path: string) {
    super('BAQUP_STAGE_NAME_TAKEN', `no free staged file name near ${path}`, { context: { path } });
  }
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Maps a filesystem error while writing `path` to the stage's errors. */
export function toWriteError(path: string, err: unknown): BaqupError {
  if (err instanceof BaqupError) return err;
  return DISK_FULL.has((err as NodeJS.ErrnoException | undefined)?.code ?? '') ? new StageDiskFullError(path, err) : new StageWriteError(path, err);
}

/** Keeps an upstream BaqupError (e.g. BAQUP_DUMP_FAILED) as the job's error; wraps anything else. */
export function toInputError(err: unknown): BaqupError {
  return err instanceof BaqupError ? err : new StageInputError(err);
}

/** True for the disk-full failure, given an error or a failed result's `error` ({ code }). */
export function isDiskFull(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === 'BAQUP_STAGE_DISK_FULL';
}
