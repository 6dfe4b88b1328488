// What the history keeps, one interface a table; times are epoch milliseconds, names snake_case as in the logs.

export interface RunRecord {
  /** The job id (stable in logs); adopted backups get `adopted:<container>/<target>/<file>`. */
  id: string;
  container: string;
  /** `type-instance`, as the `target` log field. */
  target: string;
  schedule: string;
  trigger: string;
  queued_at?: number | undefined;
  started_at?: number | undefined;
  finished_at: number;
  success: boolean;
  raw_bytes?: number | undefined;
  stored_bytes?: number | undefined;
  sha256?: string | undefined;
  /** The staged file's name (`20240115T030000Z.sql.zst`). */
  file?: string | undefined;
  /** Where the backup is kept: `staging`, `remote`, `restic`, or a comma-joined pair. */
  location?: string | undefined;
  /** `uploaded`, `pending` (waits for the next run), `failed`, or absent where nothing was to upload. */
  upload?: string | undefined;
  error_code?: string | undefined;
  error_message?: string | undefined;
  /** From queued to finished, as `duration_ms` of the job.* log lines (and /metrics' last duration). */
  duration_ms?: number | undefined;
}

export interface RestoreRecord {
  container: string;
  target: string;
  backup: string;
  source: string;
  into_container?: string | undefined;
  started_at: number;
  finished_at: number;
  success: boolean;
  /** The safety copy taken before the restore, when one was. */
  safety_copy?: string | undefined;
  error_code?: string | undefined;
  error_message?: string | undefined;
}

export interface DrillRecord {
  container: string;
  target: string;
  backup: string;
  source: string;
  started_at: number;
  finished_at: number;
  success: boolean;
  fetch_ms?: number | undefined;
  restore_ms?: number | undefined;
  bytes?: number | undefined;
  /** What was checked, as JSON (row counts, key counts, …). */
  detail?: unknown;
  error_code?: string | undefined;
  error_message?: string | undefined;
}

/** One copy checked by `baqup verify`: sha256 against its manifest and read to its end in its format. */
export interface VerificationRecord {
  container: string;
  target: string;
  /** The backup's timestamp (`20240115T030000Z`). */
  backup: string;
  /** `staging`, `remote` or `restic`. */
  source: string;
  at: number;
  success: boolean;
  checksum?: string | undefined;
  content?: string | undefined;
  error_code?: string | undefined;
  error_message?: string | undefined;
}

export interface NotificationRecord {
  at: number;
  channel: string;
  kind: string;
  container?: string | undefined;
  target?: string | undefined;
  delivered: boolean;
  error?: string | undefined;
}

export interface DiscoveryRecord {
  at: number;
  container_id: string;
  container: string;
  /** `seen`, `changed`, `removed`, or `label_problem`. */
  action: string;
  detail?: unknown;
}

export interface RunQuery {
  container?: string | undefined;
  target?: string | undefined;
  /** Runs that finished at or after this time. */
  since?: number | undefined;
  until?: number | undefined;
  /** Keyset paging: the `next_cursor` of the previous page. */
  cursor?: string | undefined;
  /** Page size, 1 to 1000 (default 50). */
  limit?: number | undefined;
}

export interface RunPage {
  runs: RunRecord[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next_cursor?: string | undefined;
}

/** Per target: what state needs right after a restart. */
/** A target's drills as the history holds them: what the drill state starts from after a restart. */
export interface DrillTargetSummary {
  container: string;
  target: string;
  /** Failed drills the history holds (within its retention). */
  failures: number;
  /** The first drill the history holds: "not verified for more than N days" counts from it when none passed. */
  first_started_at: number;
  /** Start of the newest passed drill. */
  last_success_started_at?: number | undefined;
  /** The newest drill, as recorded (detail parsed). */
  last: DrillRecord;
}

export interface TargetSummary {
  container: string;
  target: string;
  runs: number;
  last_run_at: number;
  last_success_at?: number | undefined;
  /** Failed runs since the last success. */
  failure_streak: number;
  /** Whether the last run succeeded. */
  last_success: boolean;
  /** Failed runs the history holds (within its retention). */
  failures: number;
  first_run_at: number;
  last_error_code?: string | undefined;
  last_error_message?: string | undefined;
  /** Stored size of the last run (absent when it failed before staging). */
  last_stored_bytes?: number | undefined;
  /** Stored size of the last successful run. */
  last_success_stored_bytes?: number | undefined;
  last_duration_ms?: number | undefined;
}

export interface DaySummary {
  /** `YYYY-MM-DD` in the zone asked for. */
  day: string;
  runs: number;
  succeeded: number;
  failed: number;
  stored_bytes: number;
}

export interface SeriesPoint {
  finished_at: number;
  stored_bytes?: number | undefined;
  duration_ms?: number | undefined;
  success: boolean;
}
