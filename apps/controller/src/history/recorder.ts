// The controller's side of the history: opens `<data_dir>/baqup.db`, turns what the controller already has (job
// results, desired state, notification deliveries, restores) into records, and rebuilds the state store from it at
// start. Every call returns at once (the history queues and writes a batch on the next turn of the event loop) and
// never throws: a history that cannot be opened or written is logged, and backups go on without it.
import { join } from 'node:path';
import { errorCode, errorMessage, HistoryUnavailableError, targetName, type BackupJob, type BackupResult, type ContainerBackupConfig, type DesiredState, type Logger } from '@baqup/core';
import { History, type DrillRecord, type RestoreRecord, type RunRecord, type VerificationRecord } from '@baqup/history';
import type { StateStore, TargetSeed } from '@baqup/state';

const DAY_MS = 86_400_000;

export interface HistoryOptions {
  /** `<data_dir>`; the database is `baqup.db` in it. */
  dataDir: string;
  retentionDays: number;
  logger: Logger;
  /** Where backups end up after a success (for the `location` column). */
  backend: 'rclone' | 'restic';
  cleanupAfterUpload: boolean;
  /** Applied to every error text before it is kept (the log redactor's): the API serves these texts. */
  redact?: (text: string) => string;
  now?: () => Date;
}

/** A notification message and whether it reached its channel. */
export interface DeliveryRecord {
  channel: string;
  kind: string;
  targets: readonly string[];
  delivered: boolean;
  error?: string | undefined;
}

export interface HistoryRecorder {
  /** The open database, or undefined when the history is off (it could not be opened). */
  readonly history: History | undefined;
  /** A job started (its dump slot came in the pipeline): the run's `started_at`. */
  started(job: BackupJob): void;
  /** A finished job; `finishedAt` is the time the state store gave it (so both agree after a restart). */
  result(result: BackupResult, finishedAt: Date | undefined): void;
  /** Every desired state discovery emits: containers seen, changed, removed, and label problems. */
  desired(desired: DesiredState): void;
  notification(d: DeliveryRecord): void;
  restore(r: RestoreRecord): void;
  verification(v: VerificationRecord): void;
  /** For the Drills issue: a drill's outcome (restored into a throwaway container and checked). */
  drill(d: DrillRecord): void;
  /** The store's targets from the history (last success, failures, size, duration). */
  seed(store: StateStore): void;
  /** Backups found on staging or the remote that a fresh database does not know, recorded as runs; then seeds again. */
  adopt(found: () => Promise<RunRecord[]>, store: StateStore): Promise<number>;
  close(): void;
}

function guard<A extends unknown[]>(logger: Logger, what: string, f: (...a: A) => void): (...a: A) => void {
  return (...a) => {
    try {
      f(...a);
    } catch (err) {
      logger.warn(`history: could not record ${what}`, { event: 'history.write_failed', error: { code: errorCode(err), message: errorMessage(err) } });
    }
  };
}

/** What a fresh database learns from a BackupResult. */
export function runRecord(result: BackupResult, finishedAt: Date, started: Date | undefined, o: Pick<HistoryOptions, 'backend' | 'cleanupAfterUpload'>): RunRecord {
  const { job, manifest } = result;
  const stored = o.backend === 'restic' ? 'restic' : 'remote';
  const location = result.success ? (o.cleanupAfterUpload ? stored : `staging,${stored}`) : manifest ? 'staging' : undefined;
  const upload = result.success ? 'uploaded' : manifest ? 'failed' : undefined;
  const bytes = result.bytes ?? manifest?.size;
  return {
    id: job.id,
    container: job.container.containerName,
    target: targetName(job.target),
    schedule: job.schedule.name,
    trigger: job.trigger,
    queued_at: job.triggeredAt.getTime(),
    ...(started ? { started_at: started.getTime() } : {}),
    finished_at: finishedAt.getTime(),
    success: result.success,
    ...(manifest?.rawSize !== undefined ? { raw_bytes: manifest.rawSize } : {}),
    ...(bytes !== undefined ? { stored_bytes: bytes } : {}),
    ...(manifest ? { sha256: manifest.sha256, file: manifest.file } : {}),
    ...(location ? { location } : {}),
    ...(upload ? { upload } : {}),
    ...(result.error ? { error_code: result.error.code, error_message: result.error.message } : {}),
    duration_ms: Math.round(result.durationSeconds * 1000),
  };
}

/** The store's view of each target the history knows. */
export function seedsOf(history: History): Map<string, TargetSeed> {
  const seeds = new Map<string, TargetSeed>();
  for (const t of history.targets()) {
    seeds.set(`${t.container}/${t.target}`, {
      lastRun: new Date(t.last_run_at),
      ...(t.last_success_at !== undefined ? { lastSuccess: new Date(t.last_success_at) } : {}),
      ...(t.last_success ? {} : { lastError: t.last_error_message ?? 'failed' }),
      status: t.last_success ? 'healthy' : 'error',
      failures: t.failures,
      ...(t.last_duration_ms !== undefined ? { lastDurationSeconds: t.last_duration_ms / 1000 } : {}),
      ...(t.last_success_stored_bytes !== undefined ? { lastBytes: t.last_success_stored_bytes } : {}),
      discoveredAt: new Date(t.first_run_at),
    });
  }
  return seeds;
}

const problemsOf = (c: ContainerBackupConfig) => c.errors.map((e) => ({ label: e.label, message: e.message, ...(e.expected ? { expected: e.expected } : {}) }));

export function openHistory(o: HistoryOptions): HistoryRecorder {
  const { logger } = o;
  const now = o.now ?? (() => new Date());
  const redact = o.redact ?? ((t: string) => t);
  const scrub = <T extends { error_message?: string | undefined }>(r: T): T => (r.error_message === undefined ? r : { ...r, error_message: redact(r.error_message) });
  const path = join(o.dataDir, 'baqup.db');
  let history: History | undefined;
  try {
    history = new History({ path, logger, retentionDays: o.retentionDays, now });
    logger.info(`history database ${path} open`, { event: 'history.opened', path, fresh: history.fresh, ...(history.movedAside ? { moved_aside: history.movedAside } : {}) });
  } catch (err) {
    const e = new HistoryUnavailableError(`history database ${path} cannot be opened (${errorMessage(err)}); running without history, backups go on`, { cause: err });
    logger.error(e.message, { event: 'history.unavailable', path, error: { code: e.code, message: e.message } });
  }

  const prune = () => {
    if (!history) return;
    try {
      const removed = history.prune();
      if (removed > 0) logger.info('history: removed records older than its retention', { event: 'history.pruned', removed, retention_days: o.retentionDays });
    } catch (err) {
      logger.warn('history: prune failed', { event: 'history.write_failed', error: { code: errorCode(err), message: errorMessage(err) } });
    }
  };
  prune();
  const pruneTimer = history ? setInterval(prune, DAY_MS) : undefined;
  pruneTimer?.unref();

  const started = new Map<string, Date>();
  let known = new Map<string, ContainerBackupConfig>();
  const h = () => history;

  return {
    get history() {
      return history;
    },
    started(job) {
      if (history) started.set(job.id, now());
    },
    result: guard(logger, 'a run', (result: BackupResult, finishedAt: Date | undefined) => {
      const s = started.get(result.job.id);
      started.delete(result.job.id);
      h()?.recordRun(scrub(runRecord(result, finishedAt ?? now(), s, o)));
    }),
    desired: guard(logger, 'discovery events', (desired: DesiredState) => {
      const at = now().getTime();
      const next = new Map(desired);
      const record = h();
      for (const [id, c] of next) {
        const before = known.get(id);
        if (before === c) continue;
        const targets = c.targets.map((t) => targetName(t));
        record?.recordDiscovery({ at, container_id: id, container: c.containerName, action: before ? 'changed' : 'seen', detail: { image: c.image, targets } });
        if (c.errors.length > 0 && JSON.stringify(problemsOf(c)) !== JSON.stringify(before ? problemsOf(before) : [])) {
          record?.recordDiscovery({ at, container_id: id, container: c.containerName, action: 'label_problem', detail: { errors: problemsOf(c) } });
        }
      }
      for (const [id, c] of known) if (!next.has(id)) record?.recordDiscovery({ at, container_id: id, container: c.containerName, action: 'removed' });
      known = next;
    }),
    notification: guard(logger, 'a notification', (d: DeliveryRecord) => {
      const only = d.targets.length === 1 ? d.targets[0] : undefined;
      const slash = only?.indexOf('/') ?? -1;
      h()?.recordNotification({
        at: now().getTime(),
        channel: d.channel,
        kind: d.kind,
        ...(only && slash > 0 ? { container: only.slice(0, slash), target: only.slice(slash + 1) } : {}),
        delivered: d.delivered,
        ...(d.error ? { error: redact(d.error) } : {}),
      });
    }),
    restore: guard(logger, 'a restore', (r: RestoreRecord) => h()?.recordRestore(scrub(r))),
    verification: guard(logger, 'a verification', (v: VerificationRecord) => h()?.recordVerification(scrub(v))),
    drill: guard(logger, 'a drill', (d: DrillRecord) => h()?.recordDrill(scrub(d))),
    seed: guard(logger, 'the state (read)', (store: StateStore) => {
      if (!history) return;
      const seeds = seedsOf(history);
      store.seedTargets(seeds);
      if (seeds.size > 0) logger.info('state rebuilt from the history', { event: 'history.rebuilt', targets: seeds.size });
    }),
    async adopt(found, store) {
      if (!history) return 0;
      try {
        const runs = await found();
        const added = history.adopt(runs);
        logger.info('history: recorded the backups staging and the remote hold', { event: 'history.adopted', found: runs.length, added });
        store.seedTargets(seedsOf(history));
        return added;
      } catch (err) {
        logger.warn('history: could not list staging and the remote to rebuild the history', { event: 'history.adopt_failed', error: { code: errorCode(err), message: errorMessage(err) } });
        return 0;
      }
    },
    close() {
      if (pruneTimer) clearInterval(pruneTimer);
      try {
        history?.close();
      } catch (err) {
        logger.warn('history: close failed', { event: 'history.write_failed', error: { code: errorCode(err), message: errorMessage(err) } });
      }
      history = undefined;
    },
  };
}

