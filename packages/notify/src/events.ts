import { targetKey, type BackupResult, type ContainerNotify } from '@baqup/core';

/** The outcome of one backup job, as notify needs it (`fromBackupResult` builds it from a core `BackupResult`). */
export interface ResultNotice {
  kind: 'result';
  container: string;
  /** The target key `container/type-instance` (or `type-instance`; the container is prefixed then). */
  target: string;
  schedule?: string;
  success: boolean;
  error?: { code: string; message: string };
  /** Size of the backup (successes). */
  bytes?: number;
  durationSeconds?: number;
  /** The container's `backup.notify_*` labels. */
  route?: ContainerNotify;
}

/** A target that has not succeeded in time (`target.stale`) or is healthy again (`target.recovered`). */
export interface TargetNotice {
  kind: 'target.stale' | 'target.recovered';
  container: string;
  target: string;
  schedule?: string;
  /** Why it is stale, e.g. `no successful backup since 2026-11-20T03:00:00Z`. */
  reason?: string;
}

/**
 * A container baqup stopped for a cold backup could not be started again (`container.start_failed`: baqup retries
 * with backoff), or runs again after such a failure (`container.started`). Remembered under `<container>/container-start`.
 */
export interface ContainerNotice {
  kind: 'container.start_failed' | 'container.started';
  container: string;
  /** Failed start attempts so far. */
  attempts?: number;
  error?: { code: string; message: string };
}

export type NotifyEvent = ResultNotice | TargetNotice | ContainerNotice;

export function fromBackupResult(result: BackupResult): ResultNotice {
  const container = result.job.container.containerName;
  return {
    kind: 'result',
    container,
    target: targetKey(container, result.job.target),
    schedule: result.job.schedule.name,
    success: result.success,
    ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
    ...(result.bytes !== undefined ? { bytes: result.bytes } : result.manifest ? { bytes: result.manifest.size } : {}),
    durationSeconds: result.durationSeconds,
    ...(result.job.container.notify ? { route: result.job.container.notify } : {}),
  };
}

export function isBackupResult(value: NotifyEvent | BackupResult): value is BackupResult {
  return 'job' in value && typeof value.success === 'boolean';
}

/** The key a target is remembered and shown under: always `container/…`. */
export function displayKey(event: { container: string; target: string } | ContainerNotice): string {
  if (!('target' in event)) return `${event.container}/container-start`;
  return event.target.includes('/') ? event.target : `${event.container}/${event.target}`;
}
