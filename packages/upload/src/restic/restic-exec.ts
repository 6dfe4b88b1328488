// How every restic command is run: repository and password only in env (never argv), the repository's
// URL password and the password itself scrubbed from anything restic prints.
import { Secret, type Logger } from '@baqup/core';
import { runTool, startTool, type ToolRun } from '../tool.js';
import { displayRepository } from './restic-policy.js';

export interface ResticRepositoryOptions {
  /** Local path, `rclone:remote:path`, `sftp:…`, `s3:…`: any restic backend string. Passed as RESTIC_REPOSITORY. */
  repository: string;
  /** The repository password; or `passwordFile`. Given to restic as RESTIC_PASSWORD only. */
  password?: Secret;
  passwordFile?: string;
  /** `--host` of every snapshot; retention groups by it. */
  host: string;
  logger: Logger;
  /** Backend credentials (AWS_*, B2_*, RCLONE_CONFIG_*), as Secrets where they are secret. */
  env?: Readonly<Record<string, string | Secret>>;
  cacheDir?: string;
  /** Zone for keep-daily/weekly/monthly buckets (restic uses its process's local time). Default UTC. */
  timeZone?: string;
  /** Locks older than this are removed with `unlock --remove-all`; default 24 h. */
  staleLockAgeSeconds?: number;
  resticBin?: string;
}

export interface ResticContext {
  options: ResticRepositoryOptions;
  display: string;
  run(args: string[], extra?: Partial<ToolRun>): Promise<string>;
  start(args: string[], extra?: Partial<ToolRun>): ReturnType<typeof startTool>;
  env: Record<string, string | Secret>;
}

export function resticContext(options: ResticRepositoryOptions): ResticContext {
  if (options.password === undefined && options.passwordFile === undefined) {
    throw new TypeError('restic repository needs password or passwordFile');
  }
  const env: Record<string, string | Secret> = {
    ...options.env,
    // Env, not argv; a Secret only when it carries a URL password, so @baqup/proc scrubs it from stderr.
    RESTIC_REPOSITORY: displayRepository(options.repository) === options.repository ? options.repository : new Secret(options.repository),
    TZ: options.timeZone ?? 'UTC',
    ...(options.password ? { RESTIC_PASSWORD: options.password } : { RESTIC_PASSWORD_FILE: options.passwordFile as string }),
    ...(options.cacheDir ? { RESTIC_CACHE_DIR: options.cacheDir } : {}),
  };
  const display = displayRepository(options.repository);
  const command = options.resticBin ?? 'restic';
  const base = (args: string[], extra?: Partial<ToolRun>): ToolRun => ({ command, args, env, ...extra });
  return {
    options,
    display,
    env,
    run: (args, extra) => runTool(base(args, extra)),
    start: (args, extra) => startTool(base(args, extra)),
  };
}
