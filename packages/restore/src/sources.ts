// Where backups live, from the same config the controller runs with: the staging root, and either the rclone
// remote (default) or the restic repository.
import type { ControllerConfig, Logger } from '@baqup/core';
import { createRcloneRemote, createResticRepository, displayRemote, type RcloneRemote, type ResticRepository } from '@baqup/upload';

export interface BackupSources {
  stagingRoot: string;
  /** rclone remote; `remote` is the configured string (credential-free: createRcloneRemote refuses any). */
  rclone?: { remote: string; display: string; ops: RcloneRemote };
  restic?: ResticRepository;
}

/**
 * `config.host` must be resolved (resolveHost from @baqup/docker) before: it names this controller's directory on
 * the remote and its restic snapshots, and guessing it here (os.hostname() is a container id) would look in the wrong place.
 */
export function sourcesFromConfig(config: ControllerConfig, logger: Logger): BackupSources {
  const host = config.host;
  if (!host) throw new TypeError('sourcesFromConfig: config.host is not resolved (call resolveHost first)');
  const u = config.upload;
  const sources: BackupSources = { stagingRoot: config.staging.path };
  if (u.backend === 'restic' && u.restic.repository) {
    sources.restic = createResticRepository({
      repository: u.restic.repository,
      ...(u.restic.password ? { password: u.restic.password } : {}),
      ...(u.restic.password_file ? { passwordFile: u.restic.password_file } : {}),
      host,
      logger,
      timeZone: config.timezone,
    });
  } else if (u.backend === 'rclone') {
    sources.rclone = { remote: u.remote, display: displayRemote(u.remote), ops: createRcloneRemote({ remote: u.remote, host, retries: u.retries, logger }) };
  }
  return sources;
}
