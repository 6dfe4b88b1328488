// This package's errors; the classes and their codes live in @baqup/core's error registry (docs/errors.md).
export { BackupNotFoundError, ChecksumMismatchError, UnreadableBackupError, UnsafeArchiveError, RestoreRefusedError, RestoreFailedError, FetchFailedError, SafetyCopyFailedError } from '@baqup/core';
