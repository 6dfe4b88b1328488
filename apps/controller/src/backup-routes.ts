// POST /api/backups: "backup now" through the same queue as scheduled jobs. Guarded like every mutating route.
// Without `wait` the answer is 202 and nothing waits for the jobs: no timer or promise outlives the request.
import { firstValueFrom, timeout } from 'rxjs';
import { filter } from 'rxjs/operators';
import type { FastifyInstance } from 'fastify';
import { errorMessage, targetKey, targetName, matchesTarget, type BackupJob, type BackupResult, type BackupTrigger, type ContainerBackupConfig, type DesiredState, type TargetConfig } from '@baqup/core';
import { manualJobsOf, planGroupRun } from './group-runs.js';
import { manualJob, type JobSkipped } from '@baqup/scheduler';
import { dryRunPlan } from '@baqup/dump';
import { errors, strictObject } from './http/schemas.js';
import type { RouteGroup } from './http/server.js';
import type { SafetyCopy } from '@baqup/restore';
import type { Jobs } from './jobs.js';
import { jobOutcomeProperties } from './job-routes.js';
import { ApiNoContainerError, ApiNoJobsError, ApiNoTargetError, ApiStoppingError, ApiWaitTimeoutError } from '@baqup/core';

interface BackupBody {
  container: string;
  target?: string;
  wait?: boolean;
  dryRun?: boolean;
  dry_run?: boolean;
  /** `safety`: the copy a restore takes first (its own retention); default a manual backup. */
  trigger?: 'manual' | 'safety';
}

/** How long `wait: true` waits for the jobs before answering 504 (the jobs go on). */
export const WAIT_LIMIT_MS = 6 * 60 * 60 * 1000;

function resultView(r: BackupResult | JobSkipped) {
  if ('kind' in r) return { job_id: r.job.id, target: targetKey(r.job.container.containerName, r.job.target), status: 'skipped', reason: r.reason, message: r.message };
  return {
    job_id: r.job.id,
    target: targetKey(r.job.container.containerName, r.job.target),
    status: r.success ? 'succeeded' : 'failed',
    path: r.stagingPath,
    bytes: r.bytes,
    sha256: r.manifest?.sha256,
    timestamp: r.manifest?.timestamp,
    duration_seconds: r.durationSeconds,
    error: r.error,
  };
}

const bodySchema = strictObject({
  container: { type: 'string', minLength: 1, maxLength: 255, description: 'container name' },
  target: { type: 'string', minLength: 1, maxLength: 255, description: 'one target: `type-instance` (fs-data) or the instance (data); default all' },
  wait: { type: 'boolean', description: 'answer when the jobs have finished (up to 6 h) instead of 202 at once' },
  dryRun: { type: 'boolean', description: 'return the plan; run, stop and write nothing' },
  dry_run: { type: 'boolean', description: 'same as dryRun' },
  trigger: { type: 'string', enum: ['manual', 'safety'], description: '`safety`: the copy a restore takes first, kept by its own retention; default `manual`' },
}, ['container']);

const jobView = {
  type: 'object',
  required: ['job_id', 'target'],
  properties: {
    job_id: { type: 'string' },
    target: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'succeeded', 'failed', 'skipped'] },
    bytes: { type: 'integer' },
    ...jobOutcomeProperties,
    plan: { type: 'object', additionalProperties: true },
  },
} as const;
const jobsBody = {
  type: 'object',
  required: ['jobs'],
  properties: {
    dry_run: { type: 'boolean' },
    group: { type: 'string', description: 'the container is a member of this backup group: the jobs are the group run\'s, every member\'s' },
    jobs: { type: 'array', items: jobView },
  },
} as const;

/** The jobs a manual group run would take (planGroupRun's members' jobs; only the asked ones when not orderable). */
function groupDryRun(desired: DesiredState, c: ContainerBackupConfig, targets: readonly TargetConfig[] | undefined, trigger: BackupTrigger): BackupJob[] {
  try {
    return planGroupRun(c.group!.name, desired, manualJobsOf(c, targets, trigger, new Date())).members.flatMap((m) => m.jobs);
  } catch {
    return (targets ?? c.targets).map((t) => ({ ...manualJob(c, t), trigger }));
  }
}

export function backupRoutes(desired: () => DesiredState, jobs: () => Jobs | undefined): RouteGroup {
  return (app: FastifyInstance) => {
    app.post<{ Body: BackupBody }>('/api/backups', {
      config: { access: 'mutating' },
      schema: {
        summary: 'Back up a container now (all its targets or one), through the job queue',
        tags: ['jobs'],
        security: [{ bearer: [] }],
        body: bodySchema,
        response: { 200: jobsBody, 202: jobsBody, 500: jobsBody, ...errors(400, 401, 403, 404, 413, 415, 503, 504) },
      },
    }, async (req, reply) => {
      const body = req.body;
      const c = [...desired().values()].find((x) => x.containerName === body.container);
      if (!c) return reply.code(404).send({ error: `no labelled container named "${body.container}"`, code: ApiNoContainerError.code, field: 'body.container' });
      const targets = body.target !== undefined ? c.targets.filter((t) => matchesTarget(t, body.target!)) : c.targets;
      if (targets.length === 0) {
        return reply.code(404).send({
          error: `container "${c.containerName}" has no target "${body.target}"; it has: ${c.targets.map((t) => targetName(t)).join(', ') || 'none'}`,
          code: ApiNoTargetError.code,
          field: 'body.target',
        });
      }
      const trigger = body.trigger ?? 'manual';
      const dryRun = body.dryRun === true || body.dry_run === true;
      // A backup group member's backup is its group's run (every member's targets, the group stopped and started
      // in order: one set); a restore's safety copy stays the one target's own.
      const groupRun = c.group && trigger !== 'safety';
      if (dryRun) {
        const planned: BackupJob[] = groupRun ? groupDryRun(desired(), c, body.target !== undefined ? targets : undefined, trigger) : targets.map((t) => ({ ...manualJob(c, t), trigger }));
        return { dry_run: true, ...(groupRun ? { group: c.group!.name } : {}), jobs: planned.map((j) => ({ job_id: j.id, target: targetKey(j.container.containerName, j.target), plan: dryRunPlan(j) })) };
      }
      const running = jobs();
      if (!running) return reply.code(503).send({ error: 'the controller is stopping or runs with --dry-run; no jobs are taken', code: ApiNoJobsError.code });
      const group = groupRun ? running.group?.(c, body.target !== undefined ? targets : undefined, trigger) : undefined;
      if (group) {
        const queued = { group: group.group, jobs: group.jobs.map((j) => ({ job_id: j.id, target: targetKey(j.container.containerName, j.target), status: 'queued' })) };
        if (body.wait !== true) return reply.code(202).send(queued);
        let results: BackupResult[];
        try {
          results = await Promise.race([group.done, new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), WAIT_LIMIT_MS).unref())]);
        } catch {
          return reply.code(504).send({ error: `the group run did not finish within ${WAIT_LIMIT_MS / 3_600_000} h; it goes on (see /api/events)`, code: ApiWaitTimeoutError.code });
        }
        const views = results.map(resultView);
        return reply.code(views.every((v) => v.status === 'succeeded') ? 200 : 500).send({ group: group.group, jobs: views });
      }
      const planned: BackupJob[] = targets.map((t) => ({ ...manualJob(c, t), trigger }));
      if (body.wait !== true) {
        for (const j of planned) running.trigger(j);
        return reply.code(202).send({ jobs: planned.map((j) => ({ job_id: j.id, target: targetKey(c.containerName, j.target), status: 'queued' })) });
      }
      // Subscribed before the trigger: results$ is hot, and a quick job could finish before a later subscription.
      const waits = planned.map((j) => firstValueFrom(running.results$.pipe(filter((r) => r.job.id === j.id), timeout(WAIT_LIMIT_MS))));
      for (const j of planned) running.trigger(j);
      let results: Array<BackupResult | JobSkipped>;
      try {
        results = await Promise.all(waits);
      } catch (err) {
        const timedOut = err instanceof Error && err.name === 'TimeoutError';
        return reply.code(timedOut ? 504 : 503).send({
          error: timedOut ? `the jobs did not finish within ${WAIT_LIMIT_MS / 3_600_000} h; they go on (see /api/events)` : `the controller stopped before the jobs finished: ${errorMessage(err)}`,
          code: timedOut ? ApiWaitTimeoutError.code : ApiStoppingError.code,
        });
      }
      const views = results.map(resultView);
      return reply.code(views.every((v) => v.status === 'succeeded') ? 200 : 500).send({ jobs: views });
    });
  };
}

/** The safety copy an API restore takes first: a backup with trigger `safety` through the same queue. */
export function safetyCopyInProcess(desired: () => DesiredState, jobs: () => Jobs | undefined): (container: string, target: string) => Promise<SafetyCopy> {
  return async (container, target) => {
    const c = [...desired().values()].find((x) => x.containerName === container);
    const t = c?.targets.find((x) => targetName(x) === target);
    if (!c || !t) return { unavailable: `no labelled container "${container}" with target ${target}` };
    const running = jobs();
    if (!running) throw new Error('the controller is stopping; no jobs are taken');
    const job: BackupJob = { ...manualJob(c, t), trigger: 'safety' };
    const done = firstValueFrom(running.results$.pipe(filter((r) => r.job.id === job.id), timeout(WAIT_LIMIT_MS)));
    running.trigger(job);
    const r = await done;
    if ('kind' in r) throw new Error(`the safety backup was skipped: ${r.message}`);
    if (!r.success || !r.manifest) throw new Error(`the safety backup failed: ${r.error?.message ?? 'unknown error'}`);
    return { timestamp: r.manifest.timestamp, ...(r.stagingPath ? { path: r.stagingPath } : {}) };
  };
}
