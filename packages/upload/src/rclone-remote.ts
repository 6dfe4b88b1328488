// rclone as the upload backend: copy a staged backup to `{remote}/{relativePath}` (data, .sha256, manifest
// last, so a manifest on the remote means complete), read back what landed, and list/delete for prune.
import type { Logger, Secret } from '@baqup/core';
import { credentialParams, displayRemote, joinRemote, remoteSecrets } from './remote-string.js';
import { RemoteConfigError } from './errors.js';
import { makeRclone } from './rclone-exec.js';
import { listRemote, type RemoteBackup } from './rclone-list.js';
import { uploadStaged, type UploadOptions, type UploadReport } from './rclone-upload.js';

export interface RcloneRemoteOptions {
  /** `name:path`, a local path, or a connection string without credentials (`:sftp,host=h:path`). */
  remote: string;
  /** rclone `--bwlimit` value, e.g. `10M` or `08:00,512k 19:00,off`. */
  bwlimit?: string;
  /** rclone `--retries` (whole-operation retries), default 3. */
  retries?: number;
  /** rclone `--low-level-retries`, default 10. */
  lowLevelRetries?: number;
  /** How often rclone reports progress (`upload.progress`), default 10 s. */
  statsIntervalSeconds?: number;
  /** `hash`: the remote's sha256 when the backend has one, else download; `download`: always read the bytes back. */
  verify?: 'hash' | 'download';
  logger: Logger;
  /** rclone config file (`--config`); credentials live there or in `env`. */
  configPath?: string;
  /** Extra env for rclone, e.g. `RCLONE_CONFIG_MYREMOTE_PASS` (obscured) as a Secret. */
  env?: Readonly<Record<string, string | Secret>>;
  rcloneBin?: string;
  /** Kills any single rclone command running longer than this (default: none). */
  timeoutMs?: number;
}

export interface RcloneRemote {
  /** The remote with connection parameters stripped: the only form that reaches logs, errors and markers. */
  readonly display: string;
  /** Upload and verify one staged backup; writes its upload marker (markerPath) once verified. Throws UploadFailedError. */
  upload(stagedFile: string, relativePath: string, signal?: AbortSignal, options?: UploadOptions): Promise<UploadReport>;
  /** Backups (data files) under `prefix`, with their manifests; a missing directory is empty. Throws RemoteListFailedError. */
  list(prefix: string, signal?: AbortSignal): Promise<RemoteBackup[]>;
  /** Delete one file; a file already gone is not an error. Throws RemoteListFailedError. */
  delete(relativePath: string, signal?: AbortSignal): Promise<void>;
}

/** Validates the remote (no credentials in it) and returns its operations. */
export function createRcloneRemote(options: RcloneRemoteOptions): RcloneRemote {
  const leaked = credentialParams(options.remote);
  if (leaked.length > 0) {
    throw new RemoteConfigError(
      `remote ${displayRemote(options.remote)} carries ${leaked.join(', ')} in its connection string, which would put it in ` +
        `rclone's argv; configure it in rclone.conf or as RCLONE_CONFIG_<NAME>_${leaked[0]?.toUpperCase()} instead`,
    );
  }
  const display = displayRemote(options.remote);
  const rclone = makeRclone({
    bin: options.rcloneBin ?? 'rclone',
    configPath: options.configPath,
    env: options.env,
    secrets: remoteSecrets(options.remote),
    timeoutMs: options.timeoutMs,
  });
  const ctx = { ...options, display, rclone, path: (rel: string) => joinRemote(options.remote, rel) };
  return {
    display,
    upload: (stagedFile, relativePath, signal, uploadOptions) => uploadStaged(ctx, stagedFile, relativePath, signal, uploadOptions),
    list: (prefix, signal) => listRemote(ctx, prefix, signal),
    delete: async (relativePath, signal) => {
      await rclone.deleteFile(ctx.path(relativePath), display, signal);
      options.logger.debug('remote file deleted', { remote: display, path: relativePath });
    },
  };
}

export type { UploadReport, UploadOptions, RemoteBackup };
