// Scheduled and manual backups: the one backup pipeline behind the job queue, with each job's start and result told
// to the job registry, the history, post_exec and the pings; the stale watch, notices for results, and the halt on
// a full staging disk (no new jobs until the staging filesystem has room again: halt.ts).
import { StageDiskFullError, targetKey, triggerRetentionOf, type BackupJob, type BackupResult, type ConfigEnv, type ControllerConfig, type DesiredState, type Logger } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import type { ContainerHolds, PostExecHooks } from '@baqup/dump';
import type { StateStore } from '@baqup/state';
import type { Redactor } from '@baqup/log';
import type { Notifier, Pinger } from '@baqup/notify';
import type { UploadBackend } from '@baqup/upload';
import { defer, EMPTY, type Observable } from 'rxjs';
import type { HistoryRecorder } from '../history/recorder.js';
import type { JobRegistry } from '../job-registry.js';
import { startJobs, type Jobs } from '../jobs.js';
import type { ControllerMetrics } from '../observe/metrics.js';
import { startStaleWatch } from '../observe/stale-watch.js';
import { groupRuns } from '../group-runs.js';
import { backupPipeline, refusedByShutdown, stagesOf, type PipelineDeps } from '../pipeline.js';
import { stagingHalt } from '../halt.js';

export interface BackupsDeps {
  config: ControllerConfig;
  env: ConfigEnv;
  docker: DockerClient;
  holds: ContainerHolds;
  store: StateStore;
  backend: UploadBackend;
  logger: Logger;
  notifier: Pick<Notifier, 'notify'>;
  /** Start and end pings of each job (dead-man's switches). */
  pinger: Pick<Pinger, 'start' | 'finish'>;
  /** Each target's post_exec, after every job whatever its result (cut off by the shutdown: runAborted there). */
  postExec: Pick<PostExecHooks, 'started' | 'finished'>;
  /** Records each job's start and result; undefined when the history is off. */
  recorder?: Pick<HistoryRecorder, 'started' | 'result'> | undefined;
  redactor: Pick<Redactor, 'add'>;
  desired$: Observable<DesiredState>;
  desired: () => DesiredState;
  /** Sees each job queued (manual), running (with its bytes so far) and finished: GET /api/jobs. */
  registry: JobRegistry;
  /** Counts each result for /metrics. */
  metrics: ControllerMetrics;
  /** A job's target lock, shared with the drills (never a backup beside a drill of its target). */
  lockJob?: (job: BackupJob) => Promise<() => void>;
}

export interface Backups {
  /** The job queue; undefined once the shutdown's teardown began. */
  jobs: () => Jobs | undefined;
  /** Stops taking jobs; resolves when the running ones have finished. */
  drain: () => Promise<void>;
  stop: () => void;
  /** Why new jobs are refused right now (staging disk full), or undefined: for /readyz. */
  halted: () => string | undefined;
}

export function startBackups(d: BackupsDeps): Backups {
  const { config, logger } = d;
  const halt = stagingHalt({ path: config.staging.path, logger, intervalMs: Number(d.env.BAQUP_SPACE_CHECK_MS) || undefined, resumeFreeBytes: config.staging.resume_free_mib * 1024 * 1024 });
  const jobKey = (job: BackupJob) => targetKey(job.container.containerName, job.target);
  const staleWatch = startStaleWatch({
    store: d.store, desired: d.desired, timezone: config.timezone, factor: config.staleness_factor, logger,
    notify: (e) => void d.notifier.notify(e), intervalMs: Number(d.env.BAQUP_STALE_CHECK_MS) || undefined,
  });
  const deps: PipelineDeps = {
    dump: { docker: d.docker, holds: d.holds, logger, onSecret: (s) => d.redactor.add(s) },
    logger,
    stagingRoot: config.staging.path,
    cleanupAfterUpload: config.staging.cleanup_after_upload,
    levels: config.defaults.target.compression_level,
    timezone: config.timezone,
    triggerRetention: triggerRetentionOf(config),
    backend: d.backend,
    concurrency: config.concurrency,
    halted: (job) => halt.admit(jobKey(job), d.store.snapshot().targets.get(jobKey(job))?.lastBytes),
    progress: d.registry,
  };
  // The start ping of each running job, so its end ping goes after it.
  const pings = new Map<string, Promise<void>>();
  const onStarted = (job: BackupJob) => {
    d.registry.started(job);
    d.recorder?.started(job);
    d.postExec.started(job);
    pings.set(job.id, d.pinger.start(job));
  };
  // post_exec on every path, then the end ping (none for a job whose cold hold the shutdown refused: it did not run).
  const onFinished = async (r: BackupResult) => {
    await d.postExec.finished(r);
    const started = pings.get(r.job.id) ?? Promise.resolve();
    pings.delete(r.job.id);
    if (!refusedByShutdown(r, d.holds)) void started.then(() => d.pinger.finish(r));
  };
  // Scheduled jobs of backup group members run as their group's run (group-runs.ts), through this same queue.
  let draining = false;
  const inGroupRun = new Set<string>();
  const groups = groupRuns({
    docker: d.docker, holds: d.holds, logger, stagingRoot: config.staging.path, desired: d.desired,
    trigger: (job) => {
      if (draining || !jobs) return false;
      jobs.trigger(job);
      return true;
    },
    results$: defer(() => jobs?.results$ ?? EMPTY),
    // A manual group run's jobs are finished in the registry when the run has ended (the group is up again).
    planned: (job) => {
      inGroupRun.add(job.id);
      d.registry.queued(job);
    },
    settled: (r) => {
      inGroupRun.delete(r.job.id);
      d.registry.finished(r);
    },
    startTimeoutMs: Number(d.env.BAQUP_GROUP_START_TIMEOUT_MS) || undefined,
    ...(d.backend.groups ? { groupStore: d.backend.groups } : {}),
  });
  let jobs: Jobs | undefined = startJobs({
    divert: (job) => groups.divert(job),
    onQueued: (job) => d.registry.queued(job),
    desired$: d.desired$,
    store: d.store,
    logger,
    timezone: config.timezone,
    concurrency: config.concurrency,
    queueLimit: config.queue_limit,
    pipeline: backupPipeline({ ...deps, holds: d.holds, onStarted, onFinished, ...(d.lockJob ? { lock: d.lockJob } : {}) }, stagesOf(deps)),
    onResult: (r) => {
      d.recorder?.result(r, d.store.snapshot().targets.get(jobKey(r.job))?.lastRun);
      if (r.error?.code === StageDiskFullError.code) halt.diskFull(r.error, jobKey(r.job));
      // A job whose cold hold the shutdown refused did not fail: no alert (it is logged as job.skipped).
      if (!refusedByShutdown(r, d.holds)) void d.notifier.notify(r);
      staleWatch.check();
    },
  });
  const subscription = jobs.subscription;
  subscription.add(
    jobs.results$.subscribe((r) => {
      if (!inGroupRun.has(r.job.id)) d.registry.finished(r);
      d.metrics.record(r, !('kind' in r) && refusedByShutdown(r, d.holds));
    }),
  );
  jobs.group = groups.manual;
  const trigger = jobs.trigger;
  jobs.trigger = (job) => {
    d.registry.queued(job);
    trigger(job);
  };
  return {
    jobs: () => jobs,
    drain: async () => {
      draining = true;
      await jobs?.drain();
    },
    stop: () => {
      jobs = undefined;
      subscription.unsubscribe();
      staleWatch.stop();
      halt.stop();
    },
    halted: halt.halted,
  };
}
