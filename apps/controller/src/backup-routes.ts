// POST /api/backups: "backup now" through the same queue as scheduled jobs. Guarded like every mutating route.
import { firstValueFrom, timeout } from 'rxjs';
import { filter } from 'rxjs/operators';
import { targetKey, type BackupJob, type BackupResult, type DesiredState } from '@baqup/core';
import { manualJob, type JobSkipped } from '@baqup/scheduler';
import { dryRunPlan } from '@baqup/dump';
import { sendJson, type Route } from './http/router.js';
import type { Jobs } from './jobs.js';

interface BackupRequest {
  container?: unknown;
  target?: unknown;
  wait?: unknown;
  dryRun?: unknown;
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
        const planned: BackupJob[] = targets.map((t) => manualJob(c, t));
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
