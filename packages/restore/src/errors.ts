// Errors of restore, verify and ls. Messages name containers, targets, paths and timestamps — never a credential.
import { BaqupError, type BaqupErrorOptions } from '@baqup/core';

/** Thrown when no backup matches the container, target, `--at` and `--from` asked for; the message lists what exists. */
export class BackupNotFoundError extends BaqupError {
  constructor(message: string) {
    super('BAQUP_RESTORE_NOT_FOUND', message);
  }
}

/** Thrown when a backup's bytes do not hash to the sha256 its manifest records, or the manifest/sidecar is missing. */
export class ChecksumMismatchError extends BaqupError {
  constructor(message: string) {
    super('BAQUP_RESTORE_CHECKSUM', message);
  }
}

/** Thrown when a backup cannot be read to its end in its format (broken compression, truncated tar, wrong header). */
export class UnreadableBackupError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_RESTORE_UNREADABLE', message, options);
  }
}

/** Thrown when a filesystem archive holds an entry that would land outside the target path (absolute, `..`, links out). */
export class UnsafeArchiveError extends BaqupError {
  constructor(entry: string, why: string) {
    super('BAQUP_RESTORE_UNSAFE_ENTRY', `archive entry "${entry}" ${why}; nothing was restored`);
  }
}

/** Thrown when the restore is refused before anything is touched: no confirmation, a container not in a state to load into. */
export class RestoreRefusedError extends BaqupError {
  constructor(message: string) {
    super('BAQUP_RESTORE_REFUSED', message);
  }
}

/** Thrown when loading the backup into the container fails (client exit code, SQL errors, archive write). */
export class RestoreFailedError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_RESTORE_FAILED', message, options);
  }
}

/** Thrown when a backup cannot be fetched from the remote or the restic repository to a local temp file. */
export class FetchFailedError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_RESTORE_FETCH', message, { retryable: true, ...options });
  }
}
