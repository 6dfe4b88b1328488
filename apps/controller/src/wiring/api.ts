// The HTTP API: state, backups (trigger, wait), restores (through the controller's backend and holds, with a safety
// copy through the job queue first), history, the dashboard's files and its event stream, health.
import type { ControllerConfig, DesiredState, Logger } from '@baqup/core';
import type { Redactor } from '@baqup/log';
import type { DockerClient } from '@baqup/docker';
import type { ContainerHolds } from '@baqup/dump';
import type { BackupSources } from '@baqup/restore';
import type { StateStore } from '@baqup/state';
import { resolveApiToken } from '../api-token.js';
import { backupRoutes, safetyCopyInProcess } from '../backup-routes.js';
import { healthRoutes } from '../http/health-routes.js';
import { startApiServer } from '../http/server.js';
import { stateRoutes } from '../http/state-routes.js';
import type { JobRegistry } from '../job-registry.js';
import { jobRoutes } from '../job-routes.js';
import type { Jobs } from '../jobs.js';
import type { ControllerMetrics } from '../observe/metrics.js';
import { restoreRoutes } from '../restore-routes.js';
import { newContainerCreator } from '../restore-new-container.js';
import { lockTarget, RestoreHolds, restoreHoldRoutes } from '../restore-holds.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { historyRoutes } from '../history/routes.js';
import { dashboardRoutes } from '../http/dashboard-routes.js';
import { controllerStream, streamRoutes } from '../http/stream-routes.js';
import { dashboardDir } from '@baqup/dashboard';
import type { Notifier } from '@baqup/notify';
import { catalogRoutes } from '../catalog-routes.js';
import { notifyRoutes } from '../http/notify-routes.js';
import type { JobLogs } from '../job-logs.js';
import { labelsRoutes } from '../http/labels-routes.js';
import { configRoutes } from '../http/config-routes.js';
import { UnprotectedScanner, unprotectedRoutes } from '../http/unprotected-routes.js';
import type { WiredDrills } from '../drills/wire-drills.js';

export interface ApiDeps {
  config: ControllerConfig;
  docker: DockerClient;
  holds: ContainerHolds;
  store: StateStore;
  logger: Logger;
  redactor: Pick<Redactor, 'add' | 'redact'>;
  sources: BackupSources;
  desired: () => DesiredState;
  jobs: () => Jobs | undefined;
  /** Why new jobs are refused right now (staging disk full), or undefined: for /readyz and /api/status. */
  halted: () => string | undefined;
  /** GET /api/jobs[/{id}]. */
  registry: JobRegistry;
  /** What /metrics renders. */
  metrics: ControllerMetrics;
  /** GET /api/jobs/{id}/logs. */
  jobLogs?: Pick<JobLogs, 'get'>;
  /** POST /api/notifications/test. */
  notifier: Pick<Notifier, 'test'>;
  /** GET /api/runs and /api/history/*, and the record of each restore; undefined when the history is off. */
  recorder?: HistoryRecorder | undefined;
  /** POST/GET /api/drills. */
  drills: Pick<WiredDrills, 'routes' | 'locks'>;
}

export async function startApi(d: ApiDeps): Promise<{ address: string; close: () => Promise<void> }> {
  const { config } = d;
  const token = resolveApiToken(config.api);
  if (token) d.redactor.add(token);
  return startApiServer({
    listen: config.api.listen,
    token,
    protectReads: config.api.protect_reads,
    logger: d.logger,
    routes: [
      stateRoutes(d.store, d.halted),
      jobRoutes(d.registry, d.jobLogs, d.jobs),
      backupRoutes(d.desired, d.jobs),
      restoreRoutes({ config, docker: d.docker, holds: d.holds, logger: d.logger, sources: d.sources, safetyCopy: safetyCopyInProcess(d.desired, d.jobs), createContainer: newContainerCreator(d.docker), holdTarget: lockTarget(d.drills.locks), record: (r) => d.recorder?.restore(r) }),
      restoreHoldRoutes(new RestoreHolds(d.drills.locks, d.logger)),
      d.drills.routes,
      historyRoutes(() => d.recorder?.history, config.timezone),
      catalogRoutes({ sources: d.sources, config, desired: d.desired, redact: (t) => d.redactor.redact(t), record: (v) => d.recorder?.verification(v) }),
      unprotectedRoutes(new UnprotectedScanner(d.docker, config)),
      configRoutes(config, (t) => d.redactor.redact(t)),
      notifyRoutes(d.notifier),
      labelsRoutes(d.store, d.docker, (t) => d.redactor.redact(t)),
      dashboardRoutes(dashboardDir),
      streamRoutes(controllerStream(d.store, d.registry, d.halted)),
      healthRoutes(d.store, { ping: (signal) => d.docker.ping(signal), stagingPath: config.staging.path, staleUnready: config.health.stale_targets_unready, halted: d.halted, metrics: d.metrics }),
    ],
  });
}
