// The off-host side from config: an rclone remote (default), or a restic repository.
import type { ControllerConfig, Logger } from '@baqup/core';
import { ConfigError } from '@baqup/core';
import { createRcloneRemote, createResticRepository } from '@baqup/upload';
import type { PipelineDeps } from './pipeline.js';
import { serializedRepository } from './restic-maintenance.js';

/** `config.host` must be resolved first (resolveHost): the remote directory `{remote}/{host}` and restic's `--host`. */
export function createBackend(config: ControllerConfig, logger: Logger): { backend: PipelineDeps['backend']; display: string } {
  const host = config.host;
  if (!host) throw new TypeError('createBackend: config.host is not resolved (call resolveHost first)');
  const u = config.upload;
  if (u.backend === 'restic') {
    const r = u.restic;
    if (!r.repository) throw new ConfigError('upload.restic.repository is required when upload.backend is restic', ['/upload/restic/repository: required']);
    const repo = createResticRepository({
      repository: r.repository,
      ...(r.password ? { password: r.password } : {}),
      ...(r.password_file ? { passwordFile: r.password_file } : {}),
      host,
      logger,
      timeZone: config.timezone,
      staleLockAgeSeconds: r.stale_lock_minutes * 60,
    });
    return { backend: { kind: 'restic', repo: serializedRepository(repo, logger) }, display: `restic ${r.repository.replace(/\/\/[^@/]*@/, '//***@')}` };
  }
  const remote = createRcloneRemote({ remote: u.remote, host, ...(u.bwlimit ? { bwlimit: u.bwlimit } : {}), retries: u.retries, logger });
  return { backend: { kind: 'rclone', remote }, display: remote.display };
}
