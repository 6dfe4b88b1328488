// Compress, stage and upload: the bytes on their way from the dump to the remote.
import { defineError, type BaqupErrorOptions } from './base.js';

export class InvalidCompressionLevelError extends defineError('InvalidCompressionLevelError', {
  code: 'BAQUP_COMPRESS_LEVEL_INVALID',
  retryable: false,
  when: 'a compression level is outside what the chosen compressor accepts (config or label mistake).',
}) {
  constructor(readonly kind: string, readonly level: number, readonly range: readonly [number, number]) {
    super(`${kind} level ${level} is invalid: expected an integer from ${range[0]} to ${range[1]}`);
  }
}

export class StageDiskFullError extends defineError('StageDiskFullError', {
  code: 'BAQUP_STAGE_DISK_FULL',
  retryable: false,
  when: 'the staging filesystem is full or over quota (ENOSPC, EDQUOT): the controller halts new jobs until someone frees space.',
}) {
  constructor(path: string, cause: unknown, space?: { written: number; free?: number | undefined }) {
    const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
    const detail = space
      ? `: the disk ran out after ${mib(space.written)} of this backup${space.free === undefined ? '' : ` (${mib(space.free)} free now)`}; it needs more than ${mib(space.written)} free in the staging directory`
      : '';
    super(`staging disk full while writing ${path}${detail}`, { cause, context: { path, ...(space ?? {}) } });
  }
}

export class StageWriteError extends defineError('StageWriteError', {
  code: 'BAQUP_STAGE_WRITE_FAILED',
  retryable: true,
  when: 'writing, syncing or renaming a staged file fails for any reason other than a full disk.',
}) {
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
    super(`cannot write staged file ${path}: ${code}`, { cause, context: { path } });
  }
}

export class StageInputError extends defineError('StageInputError', {
  code: 'BAQUP_STAGE_INPUT_FAILED',
  retryable: true,
  when: 'the incoming stream (dump or compressor) failed with an error that carries no baqup code of its own.',
}) {
  constructor(cause: unknown) {
    super(`backup stream failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class StageNameTakenError extends defineError('StageNameTakenError', {
  code: 'BAQUP_STAGE_NAME_TAKEN',
  retryable: false,
  when: 'every candidate name for a staged file (the timestamp and the next 59 seconds) is taken.',
}) {
  constructor(path: string) {
    super(`no free staged file name near ${path}`, { context: { path } });
  }
}

export class UploadFailedError extends defineError('UploadFailedError', {
  code: 'BAQUP_UPLOAD_FAILED',
  retryable: true,
  when: 'a staged file could not be copied to the remote or its read-back did not match; the staged copy stays for the next run.',
}) {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super(message, options);
  }
}

export class RemoteListFailedError extends defineError('RemoteListFailedError', {
  code: 'BAQUP_REMOTE_LIST_FAILED',
  retryable: true,
  when: 'listing or deleting on the remote fails (network, auth, missing remote); callers must not act on a partial view.',
}) {}

export class RemoteConfigError extends defineError('RemoteConfigError', {
  code: 'BAQUP_REMOTE_CONFIG_INVALID',
  retryable: false,
  when: "the remote string carries a credential (it would land in rclone's argv); use rclone's config or RCLONE_CONFIG_* env.",
}) {}

export class ResticFailedError extends defineError('ResticFailedError', {
  code: 'BAQUP_RESTIC_FAILED',
  retryable: true,
  when: 'a restic command fails (init, backup, forget, check, snapshots, dump, unlock).',
}) {}
