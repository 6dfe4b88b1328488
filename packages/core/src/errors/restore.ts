// Restore, verify and ls. Messages name containers, targets, paths and timestamps — never a credential.
import { defineError } from './base.js';

export class BackupNotFoundError extends defineError('BackupNotFoundError', {
  code: 'BAQUP_RESTORE_NOT_FOUND',
  retryable: false,
  when: 'no backup matches the container, target, `--at` and `--from` asked for; the message lists what exists.',
}) {}

export class ChecksumMismatchError extends defineError('ChecksumMismatchError', {
  code: 'BAQUP_RESTORE_CHECKSUM',
  retryable: false,
  when: "a backup's bytes do not hash to the sha256 its manifest records, or the manifest/sidecar is missing.",
}) {}

export class UnreadableBackupError extends defineError('UnreadableBackupError', {
  code: 'BAQUP_RESTORE_UNREADABLE',
  retryable: false,
  when: 'a backup cannot be read to its end in its format (broken compression, truncated tar, wrong header).',
}) {}

export class UnsafeArchiveError extends defineError('UnsafeArchiveError', {
  code: 'BAQUP_RESTORE_UNSAFE_ENTRY',
  retryable: false,
  when: 'a filesystem archive holds an entry that would land outside the target path (absolute, `..`, links out).',
}) {
  constructor(entry: string, why: string) {
    super(`archive entry "${entry}" ${why}; nothing was restored`);
  }
}

export class RestoreRefusedError extends defineError('RestoreRefusedError', {
  code: 'BAQUP_RESTORE_REFUSED',
  retryable: false,
  when: 'the restore is refused before anything is touched: no confirmation, a container not in a state to load into.',
}) {}

export class RestoreFailedError extends defineError('RestoreFailedError', {
  code: 'BAQUP_RESTORE_FAILED',
  retryable: false,
  when: 'loading the backup into the container fails (client exit code, SQL errors, archive write).',
}) {}

export class FetchFailedError extends defineError('FetchFailedError', {
  code: 'BAQUP_RESTORE_FETCH',
  retryable: true,
  when: 'a backup cannot be fetched from the remote or the restic repository to a local temp file.',
}) {}

export class SafetyCopyFailedError extends defineError('SafetyCopyFailedError', {
  code: 'BAQUP_RESTORE_SAFETY_COPY',
  retryable: false,
  when: 'the safety copy a restore takes of the state it replaces cannot be taken; nothing was touched.',
}) {}
