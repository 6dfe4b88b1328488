import { BaqupError, StageDiskFullError, StageInputError, StageWriteError } from '@baqup/core';

export { StageDiskFullError, StageInputError, StageNameTakenError, StageWriteError } from '@baqup/core';

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** True for an errno-style error (`code` ENOSPC or EDQUOT): the filesystem had no room. */
export function isNoSpace(err: unknown): boolean {
  return DISK_FULL.has((err as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** Maps a filesystem error while writing `path` to the stage's errors. */
export function toWriteError(path: string, err: unknown, space?: { written: number; free?: number | undefined }): BaqupError {
  if (err instanceof BaqupError) return err;
  return isNoSpace(err) ? new StageDiskFullError(path, err, space) : new StageWriteError(path, err);
}

/** Keeps an upstream BaqupError (e.g. BAQUP_DUMP_FAILED) as the job's error; wraps anything else. */
export function toInputError(err: unknown): BaqupError {
  return err instanceof BaqupError ? err : new StageInputError(err);
}

/** True for the disk-full failure, given an error or a failed result's `error` ({ code }). */
export function isDiskFull(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === StageDiskFullError.code;
}
