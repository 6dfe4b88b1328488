// JSON views of the state for the HTTP API and the CLI. Secrets print as [redacted] through Secret.toJSON.
import type { ContainerBackupConfig, TargetConfig } from '@baqup/core';
import { targetKey } from '@baqup/core';
import type { ControllerState } from './store.js';

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
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

export function containerView(state: ControllerState, c: ContainerBackupConfig): ContainerView {
  return {
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
