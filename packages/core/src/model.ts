// Domain types of the primary spec ("Data Models"), shared by every package.
import type { Secret } from './secret.js';

export const DATABASE_ENGINES = ['postgres', 'mariadb', 'mysql', 'mongo', 'redis', 'sqlite'] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];
export const TARGET_TYPES = [...DATABASE_ENGINES, 'fs'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export type Compression = 'gzip' | 'zstd' | 'none';

/** Retention as labels and config can say it; every field is optional and they combine (a backup kept by any rule is kept). */
export interface RetentionPolicy {
  /** Keep the newest N (`retention=7`). */
  keepLast?: number;
  /** Keep everything younger than this many seconds (`retention=14d`). */
  keepWithinSeconds?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
}

export interface ScheduleConfig {
  name: string;
  cron: string;
  retention: RetentionPolicy;
}

/** Where a credential comes from; resolved to a Secret only when a job runs. */
export type CredentialSource =
  | { kind: 'literal'; value: Secret }
  /** A variable of the target container's env (already looked up when the labels were parsed). */
  | { kind: 'env'; name: string; value: Secret }
  /** A file inside the target container (Docker secret, or a `*_FILE` env variant), read through the archive API at job time. */
  | { kind: 'file'; path: string };

export interface TargetConfig {
  type: TargetType;
  instance: string;
  /** Name of a schedule in ContainerBackupConfig.schedules. */
  schedule: string;
  compress: Compression;
  /** Level for `compress` (from config `defaults.target.compression_level`); absent when compress is none. */
  compressionLevel?: number;
  /** Per-target timeout for the whole job, in seconds. */
  timeoutSeconds: number;
  /** Command run inside the container before the dump; its failure skips the target. */
  preExec?: string;
  /** Command run inside the container after the job on every path (success, failure, timeout, shutdown), with the result in its env. */
  postExec?: string;
  /** Dead-man's-switch URLs (Healthchecks.io, Uptime Kuma push) pinged at start and end of this target's jobs. */
  ping?: string[];
  username?: string;
  password?: CredentialSource;
  port?: number;
  /** Database names, or 'all'. */
  databases?: 'all' | string[];
  /** fs: absolute path inside the container; sqlite: database file; redis: RDB directory. */
  path?: string;
  /** fs: glob patterns relative to path. */
  exclude?: string[];
  /** `backup.<type>.<instance>.drill`: false opts the target out of drills; a cron expression is its own drill schedule. */
  drill?: false | { cron: string };
  /** Every label property as written, for engine-specific options not modelled above. */
  properties: Record<string, string>;
}

export interface LabelError {
  /** The label key as written, e.g. `backup.postgress.main.port`. */
  label: string;
  /** The value as written; never a secret (redacted for credential keys). */
  value: string;
  message: string;
  /** What would be valid, e.g. `one of: postgres, mariadb, …`. */
  expected?: string;
  suggestion?: string;
}

/** `backup.notify_*` labels: which alert channels a container's results go to. */
export interface ContainerNotify {
  /** Extra channels told about this container's failures, stale targets and recoveries. */
  onFailure: string[];
  /** Extra channels told about this container's successful backups. */
  onSuccess: string[];
  /** false: the config's channels are left out for this container (only the label's channels hear of it). */
  global: boolean;
}

/**
 * A container's place in a backup group (`backup.stop=stack`, `backup.group=<name>`): its group's members are
 * stopped together (dependents first), copied, and started again in dependency order, as one unit.
 */
export interface GroupMembership {
  /** The group: `backup.group`, else the compose project (`com.docker.compose.project`). */
  name: string;
  source: 'label' | 'compose';
  /** The name other members' depends_on use: the compose service (`com.docker.compose.service`), else the container name. */
  service: string;
  /** Services this one depends on (`com.docker.compose.depends_on`); those outside the group are ignored. */
  dependsOn: string[];
}

/** A container that is a Swarm task (`com.docker.swarm.*` labels): its backups are named by its service. */
export interface SwarmTask {
  /** The backup name: the service's (`<stack>_<service>`), `.<slot>` added for a replicated task's slot above 1. */
  name: string;
  /** `com.docker.swarm.service.name`. */
  service: string;
  serviceId: string;
  /** `com.docker.stack.namespace`, when deployed with `docker stack deploy`. */
  stack?: string;
  /** A replicated service's slot (absent for a global service's task). */
  slot?: number;
  /** The task container's own name, which changes on every reschedule. */
  taskContainer: string;
}

export interface ContainerBackupConfig {
  containerId: string;
  /** The name its backups go under: the container's name, or for a Swarm task its service's (see `swarm`). */
  containerName: string;
  /** Set when the container is a Swarm task. */
  swarm?: SwarmTask;
  image: string;
  enabled: boolean;
  /** Stopped for its cold targets: `backup.stop=true`, and every group member (stopped with its group). */
  stop: boolean;
  /** Set for a member of a backup group; its cold copies are then taken with the whole group stopped. */
  group?: GroupMembership;
  schedules: Record<string, ScheduleConfig>;
  targets: TargetConfig[];
  errors: LabelError[];
  /** Alert routing from `backup.notify_on_failure`, `backup.notify_on_success`, `backup.notify_global`. */
  notify?: ContainerNotify;
}

export interface BackupJob {
  /** Unique per job, stable in logs. */
  id: string;
  container: ContainerBackupConfig;
  target: TargetConfig;
  schedule: ScheduleConfig;
  triggeredAt: Date;
  trigger: BackupTrigger;
}

/**
 * What started a backup; each has its own retention. `schedule`: a cron tick, judged by its schedule's policy.
 * `manual`: `baqup backup`, the API (retention `retention.manual`). `safety`: the copy a restore takes of the
 * state it replaces (retention `retention.safety`). Manual and safety backups never take a scheduled backup's slot.
 */
export type BackupTrigger = 'schedule' | 'manual' | 'safety';

/** Written beside every staged file as `{timestamp}.{ext}.manifest.json`. */
export interface BackupManifest {
  version: 1;
  container: string;
  containerId: string;
  image: string;
  type: TargetType;
  instance: string;
  schedule: string;
  /** What started it; absent in manifests written before baqup recorded it (they count as `schedule`). */
  trigger?: BackupTrigger;
  /** Compact UTC timestamp, `20240115T030000Z`. */
  timestamp: string;
  file: string;
  compression: Compression;
  size: number;
  /** Bytes the dump produced before compression; absent in manifests written before baqup recorded it. */
  rawSize?: number;
  sha256: string;
  databases?: string[];
  toolVersions: Record<string, string>;
  durations: { dumpMs: number; totalMs: number };
  /** What a drill checks the restored backup against, recorded at dump time (absent in older manifests). */
  checks?: DrillChecks;
}

/** A table's (collection's) row count at dump time; `estimated` above the exact-count limit (checked with a tolerance). */
export interface RowCount {
  rows: number;
  estimated?: true;
}

/** What a drill found: the backup it loaded, the times a recovery would take, what was checked and what failed. */
export interface DrillReport {
  container: string;
  target: string;
  ok: boolean;
  /** The backup drilled (absent when none could be found). */
  timestamp?: string;
  file?: string;
  side?: 'staging' | 'remote' | 'restic';
  bytes?: number;
  /** Download and proof of the bytes, content read to its end. */
  fetchMs?: number;
  /** The throwaway container started until its engine served. */
  startMs?: number;
  /** Loading the backup into the ready engine: with fetchMs, the recovery time a user would face. */
  restoreMs?: number;
  checkMs?: number;
  durationMs: number;
  checked: string[];
  notChecked: string[];
  problems: string[];
  error?: { code: string; message: string };
  startedAt: string;
}

/**
 * Recorded at dump time for drills. Row counts are exact up to DRILL_EXACT_ROW_LIMIT rows (by the engine's own
 * estimate); above it the estimate is recorded and a drill accepts ±DRILL_ESTIMATE_TOLERANCE of it.
 */
export interface DrillChecks {
  /** postgres, mariadb/mysql, mongo: database → `schema.table` (mongo: collection) → rows. */
  databases?: Record<string, Record<string, RowCount>>;
  /** redis: `db0` → keys, and how many of them carry a TTL (those may expire before a drill counts). */
  keyspace?: Record<string, { keys: number; expires: number }>;
  /** sqlite: table → rows (always exact). */
  tables?: Record<string, number>;
  /** fs: regular files in the archive and their total bytes. */
  files?: { count: number; bytes: number };
  /** What could not be recorded, and why (a drill reports these as not checked). */
  notes?: string[];
}

/** Tables whose estimate is above this are not counted exactly at dump time (a count(*) of them costs a full scan). */
export const DRILL_EXACT_ROW_LIMIT = 1_000_000;
/** How far an estimated row count may be from the restored table's exact count. */
export const DRILL_ESTIMATE_TOLERANCE = 0.1;

export interface BackupResult {
  job: BackupJob;
  success: boolean;
  stagingPath?: string;
  manifest?: BackupManifest;
  error?: { code: string; message: string };
  durationSeconds: number;
  bytes?: number;
}

export type TargetStatus = 'healthy' | 'warning' | 'error' | 'unknown';

export interface TargetState {
  lastRun?: Date;
  lastSuccess?: Date;
  lastError?: string;
  nextRun?: Date;
  status: TargetStatus;
}

/** What discovery emits: every labelled container Docker has now, keyed by container id. */
export type DesiredState = ReadonlyMap<string, ContainerBackupConfig>;
