// Where backups live, from the same config the controller runs with: the staging root, and the configured backend's
// restore source (the rclone remote, or the restic repository). The backend comes from @baqup/upload's
// backendFromConfig, the one place that reads the upload config; a restic repository is the process's one queued
// object for it, so a restore in the controller waits its turn beside backups, forgets and checks.
import type { ControllerConfig, Logger } from '@baqup/core';
import { backendFromConfig, type RcloneRemote, type ResticRepository, type UploadBackend } from '@baqup/upload';

export interface BackupSources {
  stagingRoot: string;
  /** rclone remote; `remote` is the configured string (credential-free: createRcloneRemote refuses any). */
  rclone?: { remote: string; display: string; ops: RcloneRemote };
  restic?: ResticRepository;
}

export function sourcesFromBackend(stagingRoot: string, backend: Pick<UploadBackend, 'source'>): BackupSources {
  const source = backend.source;
  return source.kind === 'restic'
    ? { stagingRoot, restic: source.repo }
    : { stagingRoot, rclone: { remote: source.remote, display: source.display, ops: source.ops } };
}

export function sourcesFromConfig(config: ControllerConfig, logger: Logger): BackupSources {
  return sourcesFromBackend(config.staging.path, backendFromConfig(config, logger));
}
