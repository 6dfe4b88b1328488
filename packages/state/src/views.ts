// JSON views of the state for the HTTP API and the CLI. Secrets print as [redacted] through Secret.toJSON.
import type { ContainerBackupConfig, TargetConfig } from '@baqup/core';
import { targetKey } from '@baqup/core';
import type { ControllerState, HeldRecord } from './store.js';

export interface TargetView {
  key: string;
  type: TargetConfig['type'];
  instance: string;
  schedule: string;
  cron?: string;
  retention?: unknown;
  compress: TargetConfig['compress'];
  databases?: TargetConfig['databases'];
  path?: string;
  status: string;
  nextRun?: string;
  lastRun?: string;
  lastSuccess?: string;
  lastError?: string;
}

export interface ContainerView {
  id: string;
  name: string;
  image: string;
  stop: boolean;
  targets: TargetView[];
  errors: ContainerBackupConfig['errors'];
  /** Present while baqup holds the container stopped, or its start after a backup failed and is being retried. */
  hold?: HoldView;
}

export interface HoldView {
  status: HeldRecord['status'];
  since: string;
  attempts?: number;
  lastError?: { code: string; message: string };
}

/** The hold of one container as the API shows it. */
export function holdView(h: HeldRecord): HoldView {
  return { status: h.status, since: h.since, ...(h.attempts !== undefined ? { attempts: h.attempts } : {}), ...(h.lastError ? { lastError: h.lastError } : {}) };
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

export function containerView(state: ControllerState, c: ContainerBackupConfig): ContainerView {
  const held = state.held.find((h) => h.containerId === c.containerId);
  return {
    ...(held ? { hold: holdView(held) } : {}),
    id: c.containerId,
    name: c.containerName,
    image: c.image,
    stop: c.stop,
    errors: c.errors,
    targets: c.targets.map((t) => {
      const key = targetKey(c.containerName, t);
      const ts = state.targets.get(key);
      const schedule = c.schedules[t.schedule];
      return {
        key,
        type: t.type,
        instance: t.instance,
        schedule: t.schedule,
        cron: schedule?.cron,
        retention: schedule?.retention,
        compress: t.compress,
        databases: t.databases,
        path: t.path,
        status: ts?.status ?? 'unknown',
        nextRun: iso(ts?.nextRun),
        lastRun: iso(ts?.lastRun),
        lastSuccess: iso(ts?.lastSuccess),
        lastError: ts?.lastError,
      };
    }),
  };
}

export function containersView(state: ControllerState): ContainerView[] {
  return [...state.containers.values()]
    .sort((a, b) => a.containerName.localeCompare(b.containerName))
    .map((c) => containerView(state, c));
}
