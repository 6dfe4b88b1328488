// Wires the controller: everything here is composition; the logic lives in the packages.
import { mkdirSync } from 'node:fs';
import { Subscription } from 'rxjs';
import { share } from 'rxjs/operators';
import { controllerDefaults, DockerUnreachableError, errorMessage, JournalReplayError, loadConfig, StageDiskFullError, targetKey, triggerRetentionOf, type BackupJob, type ConfigEnv, type DesiredState } from '@baqup/core';
import { deriveFromLabels, discover, dockerDiscoverySource } from '@baqup/discovery';
import { createDockerClient, resolveHost } from '@baqup/docker';
import { ContainerHolds, postExecHooks } from '@baqup/dump';
import { createLogger, createRedactor } from '@baqup/log';
import { containerNotice } from './held.js';
import { createNotifier, createPinger } from '@baqup/notify';
import { withPings } from './job-hooks.js';
import { killAll } from '@baqup/proc';
import { sourcesFromConfig } from '@baqup/restore';
import { sweepPartials } from '@baqup/stage';
import { StateStore } from '@baqup/state';
import { resolveApiToken } from './api-token.js';
import { createBackend } from './backend.js';
import { backupRoutes, safetyCopyInProcess } from './backup-routes.js';
import { startApiServer } from './http/server.js';
import { stateRoutes } from './http/state-routes.js';
import { startJobs, type Jobs } from './jobs.js';
import { JobRegistry } from './job-registry.js';
import { jobRoutes } from './job-routes.js';
import { ControllerMetrics } from './observe/metrics.js';
import { foundBackups } from './history/adopt.js';
import { openHistory, resultKey, type HistoryRecorder } from './history/recorder.js';
import { historyRoutes } from './history/routes.js';
import { backupPipeline, refusedByShutdown } from './pipeline.js';
import { restoreRoutes } from './restore-routes.js';
import { healthRoutes } from './http/health-routes.js';
import { dashboardRoutes } from './http/dashboard-routes.js';
import { dashboardDir } from '@baqup/dashboard';
import { controllerStream, streamRoutes } from './http/stream-routes.js';
import { startStaleWatch, type StaleWatch } from './observe/stale-watch.js';
import { startResticMaintenance } from './restic-maintenance.js';
import { stagingHalt } from './halt.js';
import { lockDataDirs } from './data-lock.js';
import { DEFAULT_GRACE_MS, DEFAULT_HOLD_GRACE_MS, installSignalHandlers, shutdownSequence } from './shutdown.js';

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
  // A SIGTERM while starting up (journal replay, first listing) is remembered and honoured once start-up is done,
  // so it never kills the process half-way instead of shutting it down.
  let earlySignal = false;
  const early = () => {
    earlySignal = true;
  };
  process.on('SIGTERM', early);
  process.on('SIGINT', early);
  const { config, source } = loadConfig({ ...(options.configPath ? { path: options.configPath } : {}), env: options.env });
  const redactor = createRedactor();
  const logger = createLogger({ level: config.logging.level, format: config.logging.format, redactor });
  mkdirSync(config.staging.path, { recursive: true });

  const docker = createDockerClient(options.env);
  const store = new StateStore(docker.address);
  const defaults = controllerDefaults(config);
  // The remote directory and restic host must not change when baqup's container is recreated (docs/adr/0007-remote-host-layout.md).
  const resolved = await resolveHost({ configured: config.host, docker });
  if (resolved.source === 'os') {
    logger.warn(`host not set and Docker did not answer docker info: using this machine's hostname "${resolved.host}", which in a container changes when it is recreated; set host (or BAQUP_HOSTNAME)`, { host: resolved.host });
  }
  config.host = resolved.host;
  const { backend, display } = createBackend(config, logger);
  logger.info('config loaded', { event: 'config.loaded', source, docker: docker.address, staging: config.staging.path, remote: display, host: resolved.host, host_source: resolved.source, dry_run: options.dryRun });

  // Opened once this controller holds the data directory (below); a dry run writes nothing and has no history.
  let recorder: HistoryRecorder | undefined;
  const notifier = createNotifier({
    onFailure: config.notifications.on_failure,
    onSuccess: config.notifications.on_success,
    ...(config.notifications.webhook ? { webhook: config.notifications.webhook } : {}),
    ...(config.notifications.click_url ? { clickUrl: config.notifications.click_url } : {}),
    logger,
    redact: (t) => redactor.redact(t),
    onDelivery: (d) => recorder?.notification(d),
    onSecret: (s) => redactor.add(s),
  });
  for (const s of notifier.secrets) redactor.add(s);
  // A container baqup stopped stays visible until it runs again: in the state (API, /metrics) and as an alert
  // when its start fails and when it runs again.
  const holds = new ContainerHolds({ docker, journal: config.journal, logger, onChange: (held) => store.setHeld(held), onStartEvent: (e) => void notifier.notify(containerNotice(e)) });
  const pinger = createPinger({ global: config.notifications.ping, logger, redact: (t) => redactor.redact(t), onSecret: (s) => redactor.add(s) });
  for (const s of pinger.secrets) redactor.add(s);
  const postExec = postExecHooks({ docker, logger });

  // Containers a crash left stopped are started again before anything else happens — by the one controller of
  // this data directory: a second one exits here, before it could start containers the first holds stopped or
  // sweep its partial files.
  if (!options.dryRun) {
    await lockDataDirs(config.journal, config.staging.path, logger);
    await holds.replayJournal().then(
      (r) => r.started.length > 0 && logger.warn('started containers a previous run had left stopped', { event: 'container.started', containers: r.started }),
      (err: unknown) => logger.error('journal replay failed; will retry at next start', { error: new JournalReplayError(errorMessage(err), { cause: err }) }),
    );
    const swept = await sweepPartials(config.staging.path).catch(() => []);
    if (swept.length > 0) logger.info('removed partial files of interrupted backups', { count: swept.length });
    // Last success, failure counts, sizes and durations from the history before discovery's first listing, so
    // /metrics and the API are right at once; a fresh database first learns what staging and the remote hold.
    recorder = openHistory({ dataDir: config.data_dir, retentionDays: config.history.retention_days, logger, backend: config.upload.backend, cleanupAfterUpload: config.staging.cleanup_after_upload, redact: (t) => redactor.redact(t) });
    recorder.seed(store);
    if (recorder.history?.fresh) void recorder.adopt(() => foundBackups(sourcesFromConfig(config, logger)), store);
  }

  let unreachableLogged = false;
  const desired$ = discover(dockerDiscoverySource(docker), {
    logger,
    resyncIntervalMs: config.resync_interval * 1000,
    isHeld: (id) => holds.isHeld(id),
    derive: deriveFromLabels(defaults),
    onDisconnected: (error) => {
      store.setDocker({ connected: false, lastError: error });
      if (!unreachableLogged) {
        unreachableLogged = true;
        logger.error(`Docker engine not reachable at ${docker.address}; retrying with backoff`, { event: 'docker.unreachable', error: { message: error, code: DockerUnreachableError.code } });
      }
    },
    onConnected: () => {
      if (!store.snapshot().docker.connected) logger.info(`Docker engine answers at ${docker.address}`, { event: 'docker.connected' });
      unreachableLogged = false;
      store.setDocker({ connected: true, lastError: undefined });
    },
  }).pipe(share());

  const subscriptions = new Subscription();
  let desired: DesiredState = new Map();
  subscriptions.add(
    desired$.subscribe((d) => {
      desired = d;
      store.applyDesired(d);
      recorder?.desired(d);
      // Resolved passwords of discovered targets are registered so no log line can ever carry them.
      for (const c of d.values()) for (const t of c.targets) if (t.password && t.password.kind !== 'file') redactor.add(t.password.value);
    }),
  );

  const halt = stagingHalt({ path: config.staging.path, logger, intervalMs: Number(options.env.BAQUP_SPACE_CHECK_MS) || undefined, resumeFreeBytes: config.staging.resume_free_mib * 1024 * 1024 });
  const jobKey = (job: BackupJob) => targetKey(job.container.containerName, job.target);
  // What GET /api/jobs shows and /metrics counts: every job the scheduler ran, skipped or finished.
  const registry = new JobRegistry({ expectedBytes: (j) => store.snapshot().targets.get(targetKey(j.container.containerName, j.target))?.lastBytes });
  const metrics = new ControllerMetrics({ state: () => store.snapshot(), held: () => holds.held() });
  let jobs: Jobs | undefined;
  let staleWatch: StaleWatch | undefined;
  if (!options.dryRun) {
    staleWatch = startStaleWatch({ store, desired: () => desired, timezone: config.timezone, factor: config.staleness_factor, logger, notify: (e) => void notifier.notify(e), intervalMs: Number(options.env.BAQUP_STALE_CHECK_MS) || undefined });
    // post_exec on every path, then the end ping; both outside the pipeline so a cut-off job still runs its hook.
    const runJob = (recorder?.timed ?? ((f) => f))(registry.track(withPings(postExec.wrap(backupPipeline({
      dump: { docker, holds, logger, onSecret: (s) => redactor.add(s) },
      logger,
      stagingRoot: config.staging.path,
      cleanupAfterUpload: config.staging.cleanup_after_upload,
      levels: config.defaults.target.compression_level,
      timezone: config.timezone,
      triggerRetention: triggerRetentionOf(config),
      backend,
      halted: (job) => halt.admit(jobKey(job), store.snapshot().targets.get(jobKey(job))?.lastBytes),
      progress: registry,
    })), pinger, (r) => refusedByShutdown(r, holds))));
    jobs = startJobs({
      desired$,
      store,
      logger,
      timezone: config.timezone,
      concurrency: config.concurrency,
      queueLimit: config.queue_limit,
      runJob,
      onResult: (r) => {
        recorder?.result(r, store.snapshot().targets.get(resultKey(r))?.lastRun);
        if (r.error?.code === StageDiskFullError.code) halt.diskFull(r.error, jobKey(r.job));
        // A job whose cold hold the shutdown refused did not fail: no alert (it is logged as job.skipped).
        if (!refusedByShutdown(r, holds)) void notifier.notify(r);
        staleWatch?.check();
      },
    });
    subscriptions.add(jobs.subscription);
    subscriptions.add(jobs.results$.subscribe((r) => {
      registry.finished(r);
      metrics.record(r, !('kind' in r) && refusedByShutdown(r, holds));
    }));
    const trigger = jobs.trigger;
    jobs.trigger = (job) => {
      registry.queued(job);
      trigger(job);
    };
  }
  const restic = backend.kind === 'restic' && !options.dryRun
    ? startResticMaintenance({ repo: backend.repo, checkCron: config.upload.restic.check_cron, timezone: config.timezone, logger, notify: (e) => void notifier.notify(e) })
    : undefined;

  const token = resolveApiToken(config.api);
  if (token) redactor.add(token);
  const api = await startApiServer({
    listen: config.api.listen,
    token,
    protectReads: config.api.protect_reads,
    logger,
    routes: [
      stateRoutes(store, halt.halted),
      jobRoutes(registry),
      backupRoutes(() => desired, () => jobs),
      restoreRoutes({ config, docker, holds, logger, safetyCopy: safetyCopyInProcess(() => desired, () => jobs), record: (r) => recorder?.restore(r) }),
      historyRoutes(() => recorder?.history, config.timezone),
      dashboardRoutes(dashboardDir),
      streamRoutes(controllerStream(store, registry, halt.halted)),
      healthRoutes(store, { ping: (signal) => docker.ping(signal), stagingPath: config.staging.path, staleUnready: config.health.stale_targets_unready, halted: halt.halted, metrics }),
    ],
  });

  const graceMs = options.graceMs ?? Number(options.env.BAQUP_SHUTDOWN_GRACE_MS ?? DEFAULT_GRACE_MS);
  const holdGraceMs = Number(options.env.BAQUP_SHUTDOWN_HOLD_GRACE_MS ?? DEFAULT_HOLD_GRACE_MS);
  const stop = shutdownSequence({
    logger,
    holds,
    drain: jobs ? () => jobs!.drain() : undefined,
    graceMs,
    holdGraceMs,
    teardown: async () => {
      jobs = undefined;
      subscriptions.unsubscribe();
      staleWatch?.stop();
      restic?.stop();
      halt.stop();
      killAll();
      await holds.releaseAll();
      // Jobs the shutdown cut off run their post_exec now that their containers were started again.
      await postExec.runAborted();
      holds.stopRetries();
      await notifier.close();
      await api.close();
      recorder?.close();
      await logger.flush();
    },
  });
  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  installSignalHandlers({ logger, holds, stop });
  if (earlySignal) void stop('SIGTERM').then(() => process.exit(0));
  // Only now: whoever waits for this line (systemd, a test, a supervisor) may signal at once, and a SIGTERM
  // before the handlers above would kill the process instead of shutting it down.
  logger.info(`baqup controller started; API on http://${api.address}`, { event: 'controller.started', api: api.address, dry_run: options.dryRun });
  return { stop, apiAddress: api.address, halted: halt.halted };
}
