// The controller config after resolveConfig: the YAML's shape (snake_case), every default filled,
// credentials wrapped in Secret. Mirrors CONFIG_SCHEMA; a test checks that the embedded defaults satisfy both.
import type { Secret } from '../secret.js';

/** A schedule as the config writes it; controllerDefaults() turns it into the model's ScheduleConfig. */
export interface ScheduleDefinition {
  cron: string;
  /** Keep the newest N, or everything younger than an age (`14d`). */
  retention?: number | string;
  keep_daily?: number;
  keep_weekly?: number;
  keep_monthly?: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ControllerConfig {
  /** Root of every defaulted path: `data_dir`, else $BAQUP_DATA_DIR, else `./.baqup-data` (made absolute). */
  data_dir: string;
  /** This controller's name on the remote and in restic (`--host`); from config or $BAQUP_HOSTNAME, else resolved at start from Docker (resolveHost in @baqup/docker). */
  host?: string;
  /** Retention of manual backups and restore safety copies: a count, or an age (`14d`). */
  retention: { manual: number | string; safety: number | string };
  defaults: {
    schedules: Record<string, ScheduleDefinition>;
    target: {
      schedule: string;
      /** Unset: true with the rclone backend, `none` with restic. */
      compress?: boolean | 'gzip' | 'zstd' | 'none';
      /** What `compress=true` means. */
      compression: 'gzip' | 'zstd';
      compression_level: { gzip: number; zstd: number };
      /** Seconds. */
      timeout: number;
    };
  };
  staging: { path: string; cleanup_after_upload: boolean; resume_free_mib: number };
  upload: {
    backend: 'rclone' | 'restic';
    /** rclone destination (`remote:path`), or a local directory. */
    remote: string;
    bwlimit?: string;
    retries: number;
    restic: {
      repository?: string;
      password_file?: string;
      password?: Secret;
      check_cron: string;
      stale_lock_minutes: number;
      /** false: this instance never runs `restic prune` or `restic check` (another instance maintains the shared repository). */
      maintenance: boolean;
    };
  };
  notifications: {
    on_failure: string[];
    on_success: false | string[];
    click_url?: string;
    webhook?: string | { url: string; headers?: Record<string, string> } | Array<string | { url: string; headers?: Record<string, string> }>;
    /** Healthchecks.io / Uptime Kuma URLs pinged for every job. */
    ping: string[];
  };
  logging: { level: LogLevel; format: 'json' | 'text' };
  /** Seconds. */
  poll_interval: number;
  /** Seconds. */
  resync_interval: number;
  /** IANA time zone the cron expressions are evaluated in. */
  timezone: string;
  concurrency: number;
  queue_limit: number;
  staleness_factor: number;
  /** Scheduled drills (restore into a throwaway container and check). */
  drills: { enabled: boolean; cron: string; from: 'remote' | 'staging'; max_age_days: number; memory_mb: number; cpus: number; ready_timeout: number };
  /** File recording containers stopped for a backup, replayed at start. */
  journal: string;
  api: { listen: string; token?: Secret; token_file?: string; protect_reads: boolean; /** Enables POST /api/restores. */ allow_restore: boolean };
  /** What /readyz takes into account besides Docker and staging. */
  health: { stale_targets_unready: boolean };
  /** The embedded history database, `<data_dir>/baqup.db`. */
  history: { retention_days: number };
}

/** What loadConfig read: a file path, or `defaults` when no file was given. */
export interface LoadedConfig {
  config: ControllerConfig;
  source: string;
}
