// Backup groups in the controller: a scheduled job of a group member does not run on its own; it starts its
// group's run (runGroup: hot jobs first, the group stopped in stop order, cold jobs, started in start order), whose
// jobs go through the same queue and pipeline as every other job (so they are logged, recorded, retained, uploaded
// and notified like any backup). The ticks of one moment (members on the same cron) make one run; a tick that comes
// while its group runs is covered by that run. A run in which every backup succeeded and every member came back is
// one set: its group manifest is written to staging.
import { relative } from 'node:path';
import { ApiStoppingError, errorCode, errorMessage, GroupIncompleteError, groupOrder, type BackupJob, type BackupResult, type ContainerBackupConfig, type DesiredState, type Logger } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { runGroup, type ContainerHolds, type GroupRunMember } from '@baqup/dump';
import { newJobId, type JobSkipped } from '@baqup/scheduler';
import { writeGroupManifest, type GroupManifest } from '@baqup/stage';
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
  /** How long each member may take to be running (and healthy) after its start; default 120 s. */
  startTimeoutMs?: number;
}

export interface GroupRuns {
  /** A scheduled job of a group member: runs its group instead (true), or false when the job is no group's. */
  divert: (job: BackupJob) => boolean;
  /** Resolves when every group run in progress has ended (the group started again). */
  idle: () => Promise<void>;
}

const COLLECT_MS = 1_000;

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

  const run = async (name: string, tick: BackupJob): Promise<void> => {
    const containers = [...d.desired().values()].filter((c) => c.enabled && c.group?.name === name);
    const started = Date.now();
    let order: string[];
    try {
      order = groupOrder(name, containers.map((c) => ({ service: c.group!.service, dependsOn: c.group!.dependsOn }))).start;
    } catch (err) {
      logger.error('backup group not run: its members cannot be ordered', { event: 'group.failed', group: name, error: { code: errorCode(err), message: errorMessage(err) } });
      return;
    }
    const byService = new Map(containers.map((c) => [c.group!.service, c]));
    // The tick's schedule: every member target on it (members without one are stopped with the group all the same).
    const jobsOf = (c: ContainerBackupConfig): BackupJob[] =>
      c.targets.filter((t) => t.schedule === tick.schedule.name).map((t) =>
        c.containerId === tick.container.containerId && t === tick.target ? tick : { id: newJobId(tick.triggeredAt), container: c, target: t, schedule: c.schedules[t.schedule] ?? tick.schedule, triggeredAt: tick.triggeredAt, trigger: tick.trigger },
      );
    const members: GroupRunMember[] = order.map((s) => {
      const c = byService.get(s)!;
      return { service: s, containerId: c.containerId, containerName: c.containerName, jobs: jobsOf(c) };
    });
    logger.info('backup group run started', { event: 'group.started', group: name, schedule: tick.schedule.name, members: order });
    const r = await runGroup({ docker: d.docker, holds: d.holds, logger, runJob }, name, members, d.startTimeoutMs ? { startTimeoutMs: d.startTimeoutMs } : {});
    const fields = { group: name, schedule: tick.schedule.name, duration_ms: Date.now() - started };
    if (!r.complete) {
      const failed = r.members.flatMap((m) => m.results.filter((x) => !x.success).map((x) => `${m.member.containerName}: ${x.error?.message ?? 'failed'}`));
      const down = r.starts.filter((s) => s.result === 'failed').map((s) => `${s.containerName} did not come back: ${s.error?.message ?? ''}`);
      const why = r.error?.message ?? [...failed, ...down].join('; ');
      logger.error('backup group run is no set: not every backup succeeded', { ...fields, event: 'group.failed', error: { code: r.error?.code ?? GroupIncompleteError.code, message: why } });
      return;
    }
    const manifest: GroupManifest = {
      version: 1,
      group: name,
      timestamp: compact(r.stoppedAt),
      trigger: tick.trigger,
      startOrder: order,
      members: r.members.map(({ member, results }) => ({
        service: member.service,
        container: member.containerName,
        containerId: member.containerId,
        backups: results.map((x) => ({ type: x.job.target.type, instance: x.job.target.instance, path: relative(d.stagingRoot, x.stagingPath!), timestamp: x.manifest!.timestamp, sha256: x.manifest!.sha256 })),
      })),
      stoppedAt: r.stoppedAt,
      startedAt: r.startedAt,
    };
    try {
      const path = await writeGroupManifest(d.stagingRoot, manifest);
      logger.info('backup group run is one set', { ...fields, event: 'group.succeeded', path });
    } catch (err) {
      logger.error('backup group manifest not written', { ...fields, event: 'group.failed', error: { code: errorCode(err), message: errorMessage(err) } });
    }
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
      const p = new Promise<void>((resolve) => setTimeout(resolve, COLLECT_MS))
        .then(() => {
          collecting.delete(name);
          return run(name, job);
        })
        .catch((err: unknown) => logger.error('backup group run broke', { event: 'group.failed', group: name, error: { code: errorCode(err), message: errorMessage(err) } }))
        .finally(() => active.delete(name));
      active.set(name, p);
      return true;
    },
    idle: async () => {
      await Promise.all([...active.values()]);
    },
  };
}

/** `2024-01-15T03:00:00.123Z` → `20240115T030000Z`. */
const compact = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
