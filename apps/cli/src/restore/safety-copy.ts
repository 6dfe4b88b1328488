// The safety copy `baqup restore` takes before it touches anything: a backup of the destination target through the
// running controller's queue (POST /api/backups with trigger `safety`), so it is staged, uploaded, listed and
// retained like any other backup (retention `safety`, never the schedule's).
import { basename } from 'node:path';
import type { ControllerConfig } from '@baqup/core';
import type { SafetyCopy } from '@baqup/restore';
import { apiClient } from '../api-client.js';

interface JobView {
  status: string;
  path?: string;
  timestamp?: string;
  error?: { code: string; message: string };
  message?: string;
}

const SIX_HOURS = 6 * 3600_000;

/** Rejects when `signal` aborts (Ctrl-C while the controller takes the copy: the CLI stops waiting; the copy goes on). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function safetyCopyThroughController(config: ControllerConfig): (container: string, target: string, signal?: AbortSignal) => Promise<SafetyCopy> {
  return async (container, target, signal) => {
    const res = await abortable(apiClient(config).request('POST', '/api/backups', { container, target, wait: true, trigger: 'safety' }, SIX_HOURS), signal);
    const body = res.body as { jobs?: JobView[]; error?: string };
    if (res.status === 404 && body.error) return { unavailable: `the controller does not back up ${container}/${target} (${body.error})` };
    const job = body.jobs?.[0];
    if (res.status !== 200 || !job || job.status !== 'succeeded') {
      throw new Error(`the controller answered HTTP ${res.status}: ${body.error ?? job?.error?.message ?? job?.message ?? JSON.stringify(body)}`);
    }
    const timestamp = job.timestamp ?? (job.path ? /^(\d{8}T\d{6}Z)\./.exec(basename(job.path))?.[1] : undefined);
    if (!timestamp) throw new Error(`the controller took the backup but did not say its timestamp (path ${job.path ?? 'none'})`);
    return { timestamp, ...(job.path ? { path: job.path } : {}) };
  };
}
