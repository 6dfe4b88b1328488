// The jobs this controller has seen since it started, for GET /api/jobs and GET /api/jobs/{id}: queued (a manual
// trigger), running (with the bytes written to staging so far) and finished (the result). Bounded: the oldest
// finished jobs are forgotten first, so a long-running controller holds a few hundred entries at most.
import { targetKey, type BackupJob, type BackupResult } from '@baqup/core';
import type { JobSkipped } from '@baqup/scheduler';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/** One job as the API shows it (snake_case, like the logs). */
export interface JobRecordView {
  job_id: string;
  target: string;
  trigger: string;
  status: JobStatus;
  queued_at: string;
  started_at?: string;
  finished_at?: string;
  /** Compressed bytes written to staging so far (running), or the staged size (succeeded). */
  bytes?: number;
  /** The staged size of the target's last successful backup, when there is one: what progress is measured against. */
  expected_bytes?: number;
  path?: string;
  sha256?: string;
  timestamp?: string;
  duration_seconds?: number;
  reason?: string;
  message?: string;
  error?: { code: string; message: string };
}

interface Entry {
  view: JobRecordView;
  finished: boolean;
}

export interface JobRegistryOptions {
  /** Finished jobs kept (default 200). Queued and running jobs are never forgotten. */
  limit?: number;
  now?: () => Date;
  /** The last successful staged size of a job's target, if any (progress estimate). */
  expectedBytes?: (job: BackupJob) => number | undefined;
}

export class JobRegistry {
  readonly #jobs = new Map<string, Entry>();
  readonly #limit: number;
  readonly #now: () => Date;
  readonly #expected: (job: BackupJob) => number | undefined;

  constructor(o: JobRegistryOptions = {}) {
    this.#limit = o.limit ?? 200;
    this.#now = o.now ?? (() => new Date());
    this.#expected = o.expectedBytes ?? (() => undefined);
  }

  #entry(job: BackupJob): Entry {
    let e = this.#jobs.get(job.id);
    if (!e) {
      const expected = this.#expected(job);
      e = {
        finished: false,
        view: { job_id: job.id, target: targetKey(job.container.containerName, job.target), trigger: job.trigger, status: 'queued', queued_at: this.#now().toISOString(), ...(expected !== undefined ? { expected_bytes: expected } : {}) },
      };
      this.#jobs.set(job.id, e);
    }
    return e;
  }

  queued(job: BackupJob): void {
    this.#entry(job);
  }

  started(job: BackupJob): void {
    const e = this.#entry(job);
    e.view.status = 'running';
    e.view.started_at = this.#now().toISOString();
    e.view.bytes = 0;
  }

  /** Bytes written so far by a running job (called per chunk: only a number is stored). */
  progress(jobId: string, bytes: number): void {
    const e = this.#jobs.get(jobId);
    if (e && !e.finished) e.view.bytes = bytes;
  }

  finished(r: BackupResult | JobSkipped): void {
    const e = this.#entry(r.job);
    e.finished = true;
    const v = e.view;
    v.finished_at = this.#now().toISOString();
    if ('kind' in r) {
      // A cancelled job was taken out of the queue before it started: its own status, not a skip the queue decided.
      Object.assign(v, { status: r.reason === 'cancelled' ? 'cancelled' : 'skipped', reason: r.reason, message: r.message });
    } else {
      v.status = r.success ? 'succeeded' : 'failed';
      v.duration_seconds = r.durationSeconds;
      if (r.success) v.bytes = r.bytes ?? r.manifest?.size ?? v.bytes;
      if (r.stagingPath) v.path = r.stagingPath;
      if (r.manifest) Object.assign(v, { sha256: r.manifest.sha256, timestamp: r.manifest.timestamp });
      if (r.error) v.error = { code: r.error.code, message: r.error.message };
    }
    this.#forget();
  }

  get(id: string): JobRecordView | undefined {
    const e = this.#jobs.get(id);
    return e ? { ...e.view } : undefined;
  }

  /** Newest first. */
  list(): JobRecordView[] {
    return [...this.#jobs.values()].reverse().map((e) => ({ ...e.view }));
  }

  #forget(): void {
    let finished = [...this.#jobs.values()].filter((e) => e.finished).length;
    for (const [id, e] of this.#jobs) {
      if (finished <= this.#limit) break;
      if (!e.finished) continue;
      this.#jobs.delete(id);
      finished--;
    }
  }
}
