// POST /api/backups: "backup now" through the same queue as scheduled jobs. Guarded like every mutating route.
import { firstValueFrom, timeout } from 'rxjs';
import { filter } from 'rxjs/operators';
import { targetKey, type BackupJob, type BackupResult, type DesiredState } from '@baqup/core';
import type { SafetyCopy } from '@baqup/restore';
import { manualJob, type JobSkipped } from '@baqup/scheduler';
import { dryRunPlan } from '@baqup/dump';
import { sendJson, type Route } from './http/router.js';
import type { Jobs } from './jobs.js';

interface BackupRequest {
  container?: unknown;
  target?: unknown;
  wait?: unknown;
  dryRun?: unknown;
  /** `safety`: the copy a restore takes first (its own retention); anything else is a manual backup. */
  trigger?: unknown;
}

const WAIT_LIMIT_MS = 6 * 60 * 60 * 1000;

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

export function backupRoutes(desired: () => DesiredState, jobs: () => Jobs | undefined): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/backups',
      mutating: true,
      handler: async ({ res, body }) => {
        const req = (await body()) as BackupRequest;
        if (typeof req.container !== 'string' || req.container === '') return sendJson(res, 400, { error: 'body.container (a container name) is required' });
        const c = [...desired().values()].find((x) => x.containerName === req.container);
        if (!c) return sendJson(res, 404, { error: `no labelled container named "${req.container}"` });
        const targets = typeof req.target === 'string' && req.target !== '' ? c.targets.filter((t) => `${t.type}-${t.instance}` === req.target || t.instance === req.target) : c.targets;
        if (targets.length === 0) {
          return sendJson(res, 404, { error: `container "${c.containerName}" has no target "${String(req.target)}"; it has: ${c.targets.map((t) => `${t.type}-${t.instance}`).join(', ') || 'none'}` });
        }
        if (req.trigger !== undefined && req.trigger !== 'manual' && req.trigger !== 'safety') return sendJson(res, 400, { error: 'body.trigger is "manual" (default) or "safety"' });
        const trigger = req.trigger === 'safety' ? 'safety' : 'manual';
        const planned: BackupJob[] = targets.map((t) => ({ ...manualJob(c, t), trigger }));
        if (req.dryRun === true) return sendJson(res, 200, { dry_run: true, jobs: planned.map((j) => ({ job_id: j.id, target: targetKey(c.containerName, j.target), plan: dryRunPlan(j) })) });
        const running = jobs();
        if (!running) return sendJson(res, 503, { error: 'the controller is stopping or runs with --dry-run; no jobs are taken' });
        const waits = planned.map((j) =>
          firstValueFrom(running.results$.pipe(filter((r) => r.job.id === j.id), timeout(WAIT_LIMIT_MS))),
        );
        for (const j of planned) running.trigger(j);
        if (req.wait !== true) return sendJson(res, 202, { jobs: planned.map((j) => ({ job_id: j.id, target: targetKey(c.containerName, j.target), status: 'queued' })) });
        const results = await Promise.all(waits);
        const views = results.map(resultView);
        return sendJson(res, views.every((v) => v.status === 'succeeded') ? 200 : 500, { jobs: views });
      },
    },
  ];
}

/** The safety copy an API restore takes first: a backup with trigger `safety` through the same queue. */
export function safetyCopyInProcess(desired: () => DesiredState, jobs: () => Jobs | undefined): (container: string, target: string) => Promise<SafetyCopy> {
  return async (container, target) => {
    const c = [...desired().values()].find((x) => x.containerName === container);
    const t = c?.targets.find((x) => `${x.type}-${x.instance}` === target);
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
