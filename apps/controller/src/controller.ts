// Wires the controller: a composition of named pieces, each in its own module; the logic lives in the packages.
import { controllerDefaults, targetKey, type ConfigEnv } from '@baqup/core';
import { applyHost, createDockerClient } from '@baqup/docker';
import { ContainerHolds, postExecHooks } from '@baqup/dump';
import { sourcesFromBackend } from '@baqup/restore';
import { StateStore } from '@baqup/state';
import { backendFromConfig } from '@baqup/upload';
import { containerNotice } from './held.js';
import type { HistoryRecorder } from './history/recorder.js';
import { JobRegistry } from './job-registry.js';
import { ControllerMetrics } from './observe/metrics.js';
import { DEFAULT_GRACE_MS, DEFAULT_HOLD_GRACE_MS } from './shutdown.js';
import { startApi } from './wiring/api.js';
import { startBackups } from './wiring/backups.js';
import { watchDocker } from './wiring/docker-watch.js';
import { startHistory } from './wiring/history.js';
import { recoverFromCrash } from './wiring/recovery.js';
import { loadRuntime } from './wiring/runtime.js';
import { deferSignals, shutdown } from './wiring/shutdown.js';
import { startMaintenance } from './maintenance.js';
import { wireDrills } from './drills/wire-drills.js';

export interface ControllerOptions {
  configPath?: string | undefined;
  dryRun: boolean;
  env: ConfigEnv;
  /** How long SIGTERM waits for running jobs before aborting them (jobs holding a stopped container: see shutdown.ts). */
  graceMs?: number;
}

export interface RunningController {
  stop: () => Promise<void>;
  apiAddress: string;
  /** Why new jobs are refused right now (staging disk full), or undefined: for /readyz. */
  halted: () => string | undefined;
}

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const signals = deferSignals();
  // Opened once this controller holds the data directory (below); a dry run writes nothing and has no history.
  let recorder: HistoryRecorder | undefined;
  const rt = loadRuntime({ ...options, onDelivery: (d) => recorder?.notification(d) });
  const { config, logger } = rt;
  const docker = createDockerClient(options.env);
  const store = new StateStore(docker.address);
  // The remote directory and restic host must not change when baqup's container is recreated (docs/adr/0007-remote-host-layout.md).
  const host = await applyHost(config, { docker, logger });
  const backend = backendFromConfig(config, logger);
  const sources = sourcesFromBackend(config.staging.path, backend);
  logger.info('config loaded', { event: 'config.loaded', source: rt.source, docker: docker.address, staging: config.staging.path, remote: backend.display, host: host.host, host_source: host.source, dry_run: options.dryRun });
  // A container baqup stopped stays visible until it runs again: in the state (API, /metrics) and as an alert
  // when its start fails and when it runs again.
  const holds = new ContainerHolds({ docker, journal: config.journal, logger, onChange: (held) => store.setHeld(held), onStartEvent: (e) => void rt.notifier.notify(containerNotice(e)) });
  const postExec = postExecHooks({ docker, logger });
  const drills = wireDrills({ config, docker, holds, logger });

  if (!options.dryRun) {
    await recoverFromCrash({ holds, journal: config.journal, stagingRoot: config.staging.path, logger });
    // Drill containers a crash left, once the journal replay has started what it held.
    await drills.sweep();
    recorder = startHistory({ config, logger, redact: (t) => rt.redactor.redact(t), store, sources });
  }
  const watch = watchDocker({ docker, store, config, defaults: controllerDefaults(config), holds, logger, redactor: rt.redactor, onDesired: (d) => recorder?.desired(d) });
  // What GET /api/jobs shows and /metrics counts: every job the scheduler ran, skipped or finished.
  const registry = new JobRegistry({ expectedBytes: (j) => store.snapshot().targets.get(targetKey(j.container.containerName, j.target))?.lastBytes });
  const metrics = new ControllerMetrics({ state: () => store.snapshot(), held: () => holds.held() });
  drills.registerMetrics(metrics.registry);
  const backups = options.dryRun
    ? undefined
    : startBackups({
        config, env: options.env, docker, holds, store, backend, logger, notifier: rt.notifier, pinger: rt.pinger, postExec, recorder,
        redactor: rt.redactor, desired$: watch.desired$, desired: watch.desired, registry, metrics, lockJob: (job) => drills.lockJob(job),
      });
  const halted = () => backups?.halted();
  if (!options.dryRun) drills.start({ desired: watch.desired, notify: (e) => void rt.notifier.notify(e), history: recorder });
  const maintenance = options.dryRun
    ? undefined
    : startMaintenance({ backend, checkCron: config.upload.restic.check_cron, timezone: config.timezone, logger, notify: (e) => void rt.notifier.notify(e) });
  const api = await startApi({ config, docker, holds, store, logger, redactor: rt.redactor, notifier: rt.notifier, jobLogs: rt.jobLogs, sources, desired: watch.desired, jobs: () => backups?.jobs(), halted, registry, metrics, recorder, drills });

  const stop = shutdown({
    graceMs: options.graceMs ?? Number(options.env.BAQUP_SHUTDOWN_GRACE_MS ?? DEFAULT_GRACE_MS),
    holdGraceMs: Number(options.env.BAQUP_SHUTDOWN_HOLD_GRACE_MS ?? DEFAULT_HOLD_GRACE_MS),
    logger,
    holds,
    drain: backups ? () => backups.drain() : undefined,
    stopWork: [() => watch.stop(), () => backups?.stop(), () => maintenance?.stop(), () => drills.stop()],
    // Jobs the shutdown cut off run their post_exec once their containers were started again.
    close: [() => holds.releaseAll(), () => postExec.runAborted(), () => holds.stopRetries(), () => rt.notifier.close(), () => api.close(), () => recorder?.close(), () => logger.flush()],
  });
  signals.handOver({ logger, holds, stop });
  // Only now: whoever waits for this line (systemd, a test, a supervisor) may signal at once, and a SIGTERM
  // before the handlers above would kill the process instead of shutting it down.
  logger.info(`baqup controller started; API on http://${api.address}`, { event: 'controller.started', api: api.address, dry_run: options.dryRun });
  return { stop, apiAddress: api.address, halted };
}
