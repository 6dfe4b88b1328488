// Backup groups in the controller: a scheduled job of a group member does not run on its own; it starts its
// group's run (runGroup: hot jobs first, the group stopped in stop order, cold jobs, started in start order), whose
// jobs go through the same queue and pipeline as every other job (so they are logged, recorded, retained, uploaded
// and notified like any backup). The ticks of one moment (members on the same cron) make one run; a tick that comes
// while its group runs is covered by that run. A manual backup of a member (`baqup backup`, POST /api/backups) is a
// group run too (manual): every target of every member (or only the one target asked for), the group stopped and
// started in order, one set. A run in which every backup succeeded and every member came back is one set: its
// group manifest is written to staging.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { ApiStoppingError, errorCode, errorMessage, GroupIncompleteError, groupOrder, type BackupJob, type BackupResult, type BackupTrigger, type ContainerBackupConfig, type DesiredState, type Logger, type TargetConfig } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { runGroup, type ContainerHolds, type GroupRunMember, type GroupRunResult } from '@baqup/dump';
import { manualJob, newJobId, type JobSkipped } from '@baqup/scheduler';
import { groupManifestUploaded, listGroupManifests, markGroupManifestUploaded, parseGroupManifest, pruneStagedGroupSets, writeGroupManifest, type GroupManifest } from '@baqup/stage';
import { pruneGroupSets, type GroupManifestStore } from '@baqup/upload';
import { filter, firstValueFrom, type Observable } from 'rxjs';

export interface GroupRunsDeps {
  docker: DockerClient;
  holds: ContainerHolds;
  logger: Logger;
  stagingRoot: string;
  desired: () => DesiredState;
  /** Queues a job (the queue every job shares); false when the queue takes no more jobs (the controller stops). */
  trigger: (job: BackupJob) => boolean;
  results$: Observable<BackupResult | JobSkipped>;
  /** A manual run's planned job, seen as queued before it is (GET /api/jobs/{id} knows it from the start). */
  planned?: (job: BackupJob) => void;
  /**
   * Each planned job's result of a manual run once the run has ended, the group started again (also the jobs the run
   * never queued: the group could not be stopped, the controller stops). Someone following the jobs (`baqup backup`)
   * is told they finished only then, so it never reports success while the group is still down.
   */
  settled?: (result: BackupResult) => void;
  /** How long each member may take to be running (and healthy) after its start; default 120 s. */
  startTimeoutMs?: number;
  /** Where the sets go off-host, next to the members' backups (the backend's); none: they stay in staging. */
  groupStore?: GroupManifestStore;
}

/** A manual backup of a group member, as its group's run. */
export interface ManualGroupRun {
  group: string;
  /** Every job of the run (every member's), planned up front; each one's result comes through results$ or `done`. */
  jobs: BackupJob[];
  /** One result per job of `jobs`, in the same order, once the run has ended (the group started again). */
  done: Promise<BackupResult[]>;
}

export interface GroupRuns {
  /** A scheduled job of a group member: runs its group instead (true), or false when the job is no group's. */
  divert: (job: BackupJob) => boolean;
  /**
   * A manual backup of `container` (all its targets, or `targets`): undefined when it is no group's member, else its
   * group's run — every target of every member, or with `targets` only those (the group stopped all the same).
   */
  manual: (container: ContainerBackupConfig, targets: readonly TargetConfig[] | undefined, trigger: BackupTrigger) => ManualGroupRun | undefined;
  /** Resolves when every group run in progress has ended (the group started again). */
  idle: () => Promise<void>;
}

const COLLECT_MS = 1_000;

/** One group run, planned: the members in start order with their jobs. */
export interface GroupRunPlan {
  group: string;
  order: string[];
  members: GroupRunMember[];
}

/**
 * The run of group `name` over its enabled members in `desired`, each member's jobs from `jobsOf`. Members without
 * jobs are in it all the same (stopped with the group). Throws GroupOrderError when the members cannot be ordered.
 */
export function planGroupRun(name: string, desired: DesiredState, jobsOf: (c: ContainerBackupConfig) => BackupJob[]): GroupRunPlan {
  const containers = [...desired.values()].filter((c) => c.enabled && c.group?.name === name);
  const order = groupOrder(name, containers.map((c) => ({ service: c.group!.service, dependsOn: c.group!.dependsOn }))).start;
  const byService = new Map(containers.map((c) => [c.group!.service, c]));
  const members = order.map((s) => {
    const c = byService.get(s)!;
    return { service: s, containerId: c.containerId, containerName: c.containerName, jobs: jobsOf(c) };
  });
  return { group: name, order, members };
}

/** A scheduled run: every member target on the tick's schedule, the tick's own job kept as it is. */
export function scheduledJobsOf(tick: BackupJob): (c: ContainerBackupConfig) => BackupJob[] {
  return (c) =>
    c.targets.filter((t) => t.schedule === tick.schedule.name).map((t) =>
      c.containerId === tick.container.containerId && t === tick.target ? tick : { id: newJobId(tick.triggeredAt), container: c, target: t, schedule: c.schedules[t.schedule] ?? tick.schedule, triggeredAt: tick.triggeredAt, trigger: tick.trigger },
    );
}

/** A manual run: every target of every member, or only `targets` of the asked container. */
export function manualJobsOf(asked: ContainerBackupConfig, targets: readonly TargetConfig[] | undefined, trigger: BackupTrigger, now: Date): (c: ContainerBackupConfig) => BackupJob[] {
  return (c) => {
    const mine = targets === undefined ? c.targets : c.containerId === asked.containerId ? c.targets.filter((t) => targets.includes(t)) : [];
    return mine.map((t) => ({ ...manualJob(c, t, now), trigger }));
  };
}

/** The set a complete run forms; undefined for a run that is no set. */
export function groupManifestOf(r: GroupRunResult, order: string[], trigger: BackupTrigger, stagingRoot: string): GroupManifest | undefined {
  if (!r.complete) return undefined;
  return {
    version: 1,
    group: r.group,
    timestamp: compact(r.stoppedAt),
    trigger,
    startOrder: order,
    members: r.members.map(({ member, results }) => ({
      service: member.service,
      container: member.containerName,
      containerId: member.containerId,
      backups: results.map((x) => ({ type: x.job.target.type, instance: x.job.target.instance, path: relative(stagingRoot, x.stagingPath!), timestamp: x.manifest!.timestamp, sha256: x.manifest!.sha256 })),
    })),
    stoppedAt: r.stoppedAt,
    startedAt: r.startedAt,
  };
}

/** Why a run is no set, in one line: its failed backups and the members that did not come back. */
export function incompleteReason(r: GroupRunResult): string {
  const failed = r.members.flatMap((m) => m.results.filter((x) => !x.success).map((x) => `${m.member.containerName}: ${x.error?.message ?? 'failed'}`));
  const down = r.starts.filter((s) => s.result === 'failed').map((s) => `${s.containerName} did not come back: ${s.error?.message ?? ''}`);
  return r.error?.message ?? [...failed, ...down].join('; ');
}

export function groupRuns(d: GroupRunsDeps): GroupRuns {
  const { logger } = d;
  const active = new Map<string, Promise<void>>();
  const collecting = new Map<string, BackupJob>();

  const runJob = async (job: BackupJob): Promise<BackupResult> => {
    const result = firstValueFrom(d.results$.pipe(filter((r) => r.job.id === job.id)));
    if (!d.trigger(job)) return { job, success: false, durationSeconds: 0, error: { code: ApiStoppingError.code, message: 'the controller is stopping; the job was not queued' } };
    const r = await result;
    return 'kind' in r ? { job, success: false, durationSeconds: 0, error: { code: r.reason === 'stopping' ? ApiStoppingError.code : GroupIncompleteError.code, message: `${job.container.containerName}: not run in the group's run: ${r.message}` } } : r;
  };

  /** Runs a planned run to its end (never throws); the run's result, or undefined when it could not be planned. */
  const execute = async (name: string, planOf: () => GroupRunPlan, meta: { schedule: string; trigger: BackupTrigger }): Promise<GroupRunResult | undefined> => {
    const started = Date.now();
    let plan: GroupRunPlan;
    try {
      plan = planOf();
    } catch (err) {
      logger.error('backup group not run: its members cannot be ordered', { event: 'group.failed', group: name, error: { code: errorCode(err), message: errorMessage(err) } });
      return undefined;
    }
    logger.info('backup group run started', { event: 'group.started', group: name, schedule: meta.schedule, trigger: meta.trigger, members: plan.order });
    const r = await runGroup({ docker: d.docker, holds: d.holds, logger, runJob }, name, plan.members, d.startTimeoutMs ? { startTimeoutMs: d.startTimeoutMs } : {});
    const fields = { group: name, schedule: meta.schedule, trigger: meta.trigger, duration_ms: Date.now() - started };
    const manifest = groupManifestOf(r, plan.order, meta.trigger, d.stagingRoot);
    if (!manifest) {
      logger.error('backup group run is no set: not every backup succeeded', { ...fields, event: 'group.failed', error: { code: r.error?.code ?? GroupIncompleteError.code, message: incompleteReason(r) } });
    } else {
      try {
        const path = await writeGroupManifest(d.stagingRoot, manifest);
        logger.info('backup group run is one set', { ...fields, event: 'group.succeeded', path });
      } catch (err) {
        logger.error('backup group manifest not written', { ...fields, event: 'group.failed', error: { code: errorCode(err), message: errorMessage(err) } });
      }
    }
    // The members' backups were uploaded and pruned in the pipeline (their results come after): the sets follow them.
    await shipAndPrune(name);
    return r;
  };

  /**
   * The group's staged sets not yet off-host are stored there (a failed upload is retried after the next run), then
   * the sets whose backups are all pruned go, in staging and off-host. Never throws.
   */
  const shipAndPrune = async (name: string): Promise<void> => {
    const store = d.groupStore;
    try {
      if (store) {
        for (const set of await listGroupManifests(d.stagingRoot, name)) {
          if (await groupManifestUploaded(set.path)) continue;
          try {
            const m = parseGroupManifest(await readFile(set.path, 'utf8'), set.path);
            await store.store(set.path, m);
            await markGroupManifestUploaded(set.path, store.display);
            logger.info('group set stored off-host', { event: 'upload.succeeded', group: name, set: set.timestamp, remote: store.display });
          } catch (err) {
            logger.error('group set not stored off-host; retried after the next run of the group', { event: 'upload.failed', group: name, set: set.timestamp, error: { code: errorCode(err), message: errorMessage(err) } });
          }
        }
      }
      for (const t of await pruneStagedGroupSets(d.stagingRoot, name, store !== undefined)) {
        logger.info('group set pruned in staging: none of its backups is left there', { event: 'prune.deleted', group: name, set: t, side: 'staging' });
      }
    } catch (err) {
      logger.warn('group sets not pruned in staging', { event: 'prune.failed', group: name, side: 'staging', error: { code: errorCode(err), message: errorMessage(err) } });
    }
    if (store) await pruneGroupSets(store, name, logger);
  };

  /** Runs `fn` once the group's run in progress (if any) has ended; the group's active run until it ends. */
  const enqueue = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const p = (active.get(name) ?? Promise.resolve()).then(fn);
    const settled = p.then(() => {}, (err: unknown) => logger.error('backup group run broke', { event: 'group.failed', group: name, error: { code: errorCode(err), message: errorMessage(err) } }));
    active.set(name, settled);
    void settled.finally(() => {
      if (active.get(name) === settled) active.delete(name);
    });
    return p;
  };

  return {
    divert: (job) => {
      const name = job.container.group?.name;
      if (!name) return false;
      if (active.has(name) || collecting.has(name)) {
        logger.debug('tick covered by its backup group run', { group: name, container: job.container.containerName });
        return true;
      }
      // The members' ticks of one moment arrive one by one: collected briefly into one run.
      collecting.set(name, job);
      void enqueue(name, async () => {
        await new Promise((resolve) => setTimeout(resolve, COLLECT_MS));
        collecting.delete(name);
        await execute(name, () => planGroupRun(name, d.desired(), scheduledJobsOf(job)), { schedule: job.schedule.name, trigger: job.trigger });
      });
      return true;
    },
    manual: (container, targets, trigger) => {
      const name = container.group?.name;
      if (!name) return undefined;
      let plan: GroupRunPlan | undefined;
      let unordered: unknown;
      try {
        plan = planGroupRun(name, d.desired(), manualJobsOf(container, targets, trigger, new Date()));
      } catch (err) {
        unordered = err; // the run logs it (group.failed) and runs nothing: the asked jobs fail
      }
      const jobs = plan ? plan.members.flatMap((m) => m.jobs) : (targets ?? container.targets).map((t) => ({ ...manualJob(container, t), trigger }));
      for (const j of jobs) d.planned?.(j);
      const planOf = (): GroupRunPlan => {
        if (!plan) throw unordered;
        return plan;
      };
      const done = enqueue(name, async () => {
        const r = await execute(name, planOf, { schedule: jobs[0]?.schedule.name ?? '', trigger });
        const byId = new Map((r?.members ?? []).flatMap((m) => m.results).map((x) => [x.job.id, x]));
        return jobs.map((job) => {
          const why = r === undefined ? `its members cannot be ordered: ${errorMessage(unordered)}` : r.error ? `could not be stopped: ${r.error.message}` : 'stopped before it';
          const result = byId.get(job.id) ?? { job, success: false, durationSeconds: 0, error: { code: r?.error?.code ?? (r ? GroupIncompleteError.code : errorCode(unordered)), message: `${job.container.containerName}: not run: the group ${name} ${why}` } };
          d.settled?.(result);
          return result;
        });
      });
      return { group: name, jobs, done };
    },
    idle: async () => {
      await Promise.all([...active.values()]);
    },
  };
}

/** `2024-01-15T03:00:00.123Z` → `20240115T030000Z`. */
const compact = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
