// The controller's drills, composed in one place (controller.ts calls this): the per-target locks shared with the
// backup jobs, the sweep of drill containers a crashed run left, the scheduler, the routes and the metrics.
import type { BackupJob, ControllerConfig, DesiredState, Logger } from '@baqup/core';
import { errorCode, errorMessage } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { drillOwner, sweepDrillContainers } from '@baqup/drill';
import type { DrillRecord, History } from '@baqup/history';
import type { ContainerHolds } from '@baqup/dump';
import type { NotifyEvent } from '@baqup/notify';
import type { Registry } from 'prom-client';
import { dirname } from 'node:path';
import type { RouteGroup } from '../http/server.js';
import { registerDrillMetrics } from './drill-metrics.js';
import { drillRecord, drillSeeds } from './drill-record.js';
import { drillRoutes } from './drill-routes.js';
import { startDrills, type Drills } from './drills.js';
import { jobLock, TargetLocks } from './target-lock.js';

export interface WiredDrills {
  /** The per-target locks backup jobs and drills take (restores hold them too: restore-holds.ts). */
  readonly locks: TargetLocks;
  /** A backup job's target lock (a drill of the target never runs beside it): resolves to its release. */
  lockJob(job: BackupJob): Promise<() => void>;
  /** Removes this controller's drill containers a crash left (after the journal replay: it may have started one). */
  sweep(): Promise<void>;
  /**
   * Starts the schedule (not in a dry run). With the history, each target's drill state starts from its recorded
   * drills and every finished drill is recorded.
   */
  start(o: { desired: () => DesiredState; notify: (e: NotifyEvent) => void; history?: DrillHistory | undefined }): void;
  routes: RouteGroup;
  /** The drill families on the controller's /metrics registry. */
  registerMetrics(registry: Registry): void;
  stop(): Promise<void>;
}

/** The part of the controller's history recorder the drills use. */
export interface DrillHistory {
  readonly history: History | undefined;
  drill(d: DrillRecord): void;
}

export function wireDrills(o: { config: ControllerConfig; docker: DockerClient; holds: ContainerHolds; logger: Logger }): WiredDrills {
  const locks = new TargetLocks();
  // One id per host and data directory (the journal lives there).
  const owner = drillOwner(dirname(o.config.journal));
  let drills: Drills | undefined;
  return {
    locks,
    lockJob: jobLock(locks),
    async sweep() {
      try {
        const swept = await sweepDrillContainers(o.docker, owner);
        if (swept.length > 0) o.logger.warn('removed drill containers an interrupted run left', { event: 'drill.swept', containers: swept });
      } catch (err) {
        o.logger.error('could not sweep drill containers; retried at the next start', { event: 'drill.cleanup_failed', error: { code: errorCode(err), message: errorMessage(err) } });
      }
    },
    start(s) {
      const h = s.history;
      let seeds: ReturnType<typeof drillSeeds> = [];
      try {
        seeds = h?.history ? drillSeeds(h.history.drillTargets()) : [];
      } catch (err) {
        o.logger.warn('history: could not read the recorded drills; drill state starts empty', { error: { code: errorCode(err), message: errorMessage(err) } });
      }
      drills = startDrills({
        config: o.config, docker: o.docker, holds: o.holds, logger: o.logger, locks, owner, desired: s.desired, notify: s.notify, seeds,
        ...(h ? { record: (r, from) => h.drill(drillRecord(r, from)) } : {}),
      });
    },
    routes: drillRoutes(() => drills),
    registerMetrics: (registry) => registerDrillMetrics(registry, () => drills?.states() ?? []),
    stop: async () => drills?.stop(),
  };
}
