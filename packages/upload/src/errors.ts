import { BaqupError, type BaqupErrorOptions } from '@baqup/core';

/** Thrown when a staged file could not be copied to the remote or its read-back did not match; the staged copy stays for the next run. */
export class UploadFailedError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_UPLOAD_FAILED', message, { retryable: true, ...options });
  }
}

/** Thrown when listing or deleting on the remote fails (network, auth, missing remote); callers must not act on a partial view. */
export class RemoteListFailedError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_REMOTE_LIST_FAILED', message, { retryable: true, ...options });
  }
}

/** Thrown when the remote string carries a credential (it would land in rclone's argv); use rclone's config or RCLONE_CONFIG_* env. */
export class RemoteConfigError extends BaqupError {
  constructor(message: string) {
    super('BAQUP_REMOTE_CONFIG_INVALID', message);
  }
}

/** Thrown when a restic command other than backup fails (init, forget, check, snapshots, dump, unlock). */
export class ResticFailedError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_RESTIC_FAILED', message, { retryable: true, ...options });
  }
}
