import { targetKey, type BackupJob } from '@baqup/core';
import { map, mergeMap, of, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { job, recordingLogger } from './__fixtures__/builders.js';
import { JobCanceller, runPipeline, type CancelOutcome, type JobQueueControl, type JobSkipped, type QueueSnapshot } from './run-jobs.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const keyOf = (j: BackupJob) => targetKey(j.container.containerName, j.target);
interface Done {
  job: BackupJob;
  text: string;
}
const show = (v: Done | JobSkipped) => ('kind' in v ? `skip:${v.job.id}:${v.reason}` : v.text);

/** The simplest pipeline: one observable per job, `concurrency` at once (what a stage's mergeMap does). */
const perJob = (run: (j: BackupJob) => Observable<Done>, concurrency = 2) => (q: JobQueueControl) =>
  mergeMap((j: BackupJob): Observable<Done | JobSkipped> => {
    const skipped = q.started(j);
    return skipped ? of(skipped) : run(j);
  }, concurrency);

// Jobs a1, a2 … are for target a/postgres-main, b1 for b/postgres-main, and so on.
const jobs: Record<string, BackupJob> = Object.fromEntries(
  ['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'd1'].map((id) => [id, job(id[0]!, id)]),
);
const manual: Record<string, BackupJob> = { A: job('a', 'A', 'manual'), B: job('b', 'B', 'manual') };

/** Each job "runs" for 3 virtual seconds and emits `done:<id>`. */
function runner(cold: (m: string, v?: Record<string, Done>) => Observable<Done>) {
  return (j: BackupJob) => cold('3000ms (r|)', { r: { job: j, text: `done:${j.id}` } });
}

describe('runPipeline', () => {
  it('skips a tick whose target is still running, and runs the next one after it finished', () => {
    const logger = recordingLogger();
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('a 999ms b 2999ms c', { a: jobs.a1!, b: jobs.a2!, c: jobs.a3! });
      const out$ = jobs$.pipe(runPipeline(perJob(runner(cold)), { logger }), map(show));
      expectObservable(out$).toBe('1000ms s 1999ms x 3999ms y', { s: 'skip:a2:target-busy', x: 'done:a1', y: 'done:a3' });
    });
    const skipped = logger.lines.filter((l) => l.fields?.event === 'job.skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.fields).toMatchObject({ container: 'a', target: 'postgres-main', job_id: 'a2', reason: 'target-busy' });
  });

  it('once stopping, a queued job is skipped with reason stopping instead of started; the running one ends', () => {
    let stopping = false;
    testScheduler().run(({ hot, cold, expectObservable, flush }) => {
      const jobs$ = hot('(ab)', { a: jobs.a1!, b: jobs.b1! });
      const out$ = jobs$.pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1, stopping: () => stopping }), map(show));
      // a1 runs 0-3000 ms; the stop comes at 1000 ms, so b1, still queued, is never started.
      cold('1000ms x').subscribe(() => (stopping = true));
      expectObservable(out$).toBe('3000ms (xs)', { x: 'done:a1', s: 'skip:b1:stopping' });
      flush();
    });
  });

  it('runs at most `concurrency` jobs at once: 3 targets with concurrency 2', () => {
    const snapshots: QueueSnapshot[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(abc)', { a: jobs.a1!, b: jobs.b1!, c: jobs.c1! });
      const out$ = jobs$.pipe(runPipeline(perJob(runner(cold), 2), { concurrency: 2, onQueueChange: (q) => snapshots.push(q) }), map(show));
      // c waits for a free slot: it starts at 3000 and is done at 6000
      expectObservable(out$).toBe('3000ms (xy) 2996ms z', { x: 'done:a1', y: 'done:b1', z: 'done:c1' });
    });
    const peak = Math.max(...snapshots.map((s) => s.running.length));
    expect(peak).toBe(2);
    expect(snapshots).toContainEqual({ running: ['a/postgres-main', 'b/postgres-main'], queued: ['c/postgres-main'] });
    expect(snapshots.at(-1)).toEqual({ running: [], queued: [] });
  });

  it('skips a tick whose target is already queued', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(ab) 496ms c', { a: jobs.a1!, b: jobs.b1!, c: jobs.b2! });
      const out$ = jobs$.pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1 }), map(show));
      expectObservable(out$).toBe('500ms s 2499ms x 2999ms y', { s: 'skip:b2:target-queued', x: 'done:a1', y: 'done:b1' });
    });
  });

  it('bounds the queue: jobs beyond concurrency + queueLimit are skipped as queue-full', () => {
    const snapshots: QueueSnapshot[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(abcd)', { a: jobs.a1!, b: jobs.b1!, c: jobs.c1!, d: jobs.d1! });
      const out$ = jobs$.pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1, queueLimit: 1, onQueueChange: (q) => snapshots.push(q) }), map(show));
      expectObservable(out$).toBe('(st) 2996ms x 2999ms y', { s: 'skip:c1:queue-full', t: 'skip:d1:queue-full', x: 'done:a1', y: 'done:b1' });
    });
    expect(Math.max(...snapshots.map((s) => s.queued.length))).toBe(1);
  });

  it('manual triggers share the queue and the per-target dedupe', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('a', { a: jobs.a1! });
      const trigger$ = hot('1000ms (AB)', manual);
      const out$ = jobs$.pipe(runPipeline(perJob(runner(cold)), { trigger$ }), map(show));
      expectObservable(out$).toBe('1000ms s 1999ms x 999ms y', { s: 'skip:A:target-busy', x: 'done:a1', y: 'done:B' });
    });
  });

  it('a pipeline that errors is logged as job.failed and subscribed again with a free queue; the stream goes on', () => {
    const logger = recordingLogger();
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('a 999ms b', { a: jobs.a1!, b: jobs.a2! });
      const run = (j: BackupJob) => (j.id === 'a1' ? throwError(() => new Error('boom')) : runner(cold)(j));
      const out$ = jobs$.pipe(runPipeline(perJob(run), { logger }), map(show));
      expectObservable(out$).toBe('4000ms x', { x: 'done:a2' });
    });
    expect(logger.lines.find((l) => l.fields?.event === 'job.failed')?.fields).toMatchObject({ running: ['a/postgres-main'], error: { message: 'boom', code: 'BAQUP_INTERNAL' } });
  });

  it('completes after the source completes and every admitted job finished', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const jobs$ = cold('(ab|)', { a: jobs.a1!, b: jobs.b1! });
      expectObservable(jobs$.pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1 }), map(show))).toBe('3000ms x 2999ms (y|)', { x: 'done:a1', y: 'done:b1' });
    });
  });

  it('on unsubscribe (shutdown) the visible queue is emptied, as its jobs are dropped', () => {
    const snapshots: QueueSnapshot[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(ab)', { a: jobs.a1!, b: jobs.b1! });
      const out$ = jobs$.pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1, onQueueChange: (q) => snapshots.push(q) }), map(show));
      expectObservable(out$, '^ 1000ms !').toBe('');
    });
    expect(snapshots).toContainEqual({ running: ['a/postgres-main'], queued: ['b/postgres-main'] });
    expect(snapshots.at(-1)).toEqual({ running: [], queued: [] });
  });

  it('keys the dedupe by target, not by container', () => {
    expect(keyOf(job('a', 'x', 'schedule', 'main'))).not.toBe(keyOf(job('a', 'y', 'schedule', 'other')));
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(ab)', { a: job('a', 'x', 'schedule', 'main'), b: job('a', 'y', 'schedule', 'other') });
      expectObservable(jobs$.pipe(runPipeline(perJob(runner(cold))), map(show))).toBe('3000ms (xy)', { x: 'done:x', y: 'done:y' });
    });
  });

  describe('cancel', () => {
    const started: string[] = [];
    /** perJob, remembering which jobs were started (their slot came and they ran). */
    const recording = (cold: Parameters<typeof runner>[0], concurrency: number) => (q: JobQueueControl) =>
      mergeMap((j: BackupJob): Observable<Done | JobSkipped> => {
        const skipped = q.started(j);
        if (skipped) return of(skipped);
        started.push(j.id);
        return runner(cold)(j);
      }, concurrency);

    it('takes a queued job out of the queue: its cancelled skip leaves at once, it is never started, the next one runs in its place', () => {
      started.length = 0;
      const canceller = new JobCanceller();
      const logger = recordingLogger();
      const snapshots: QueueSnapshot[] = [];
      const outcomes: CancelOutcome['status'][] = [];
      testScheduler().run(({ hot, cold, expectObservable, flush }) => {
        // a1 runs 0-3000 ms; b1 and c1 wait; b1 is cancelled at 1000 ms, so c1 runs 3000-6000 ms.
        const jobs$ = hot('(abc)', { a: jobs.a1!, b: jobs.b1!, c: jobs.c1! });
        const out$ = jobs$.pipe(runPipeline(recording(cold, 1), { concurrency: 1, canceller, logger, onQueueChange: (q) => snapshots.push(q) }), map(show));
        cold('1000ms x').subscribe(() => outcomes.push(canceller.cancel('b1').status));
        expectObservable(out$).toBe('1000ms c 1999ms x 2999ms y', { c: 'skip:b1:cancelled', x: 'done:a1', y: 'done:c1' });
        flush();
      });
      expect(outcomes).toEqual(['cancelled']);
      expect(started).toEqual(['a1', 'c1']);
      expect(snapshots).toContainEqual({ running: ['a/postgres-main'], queued: ['b/postgres-main', 'c/postgres-main'] });
      expect(snapshots).toContainEqual({ running: ['a/postgres-main'], queued: ['c/postgres-main'] });
      expect(logger.lines.filter((l) => l.fields?.event === 'job.cancelled').map((l) => l.fields)).toEqual([expect.objectContaining({ job_id: 'b1', container: 'b', target: 'postgres-main' })]);
    });

    it('refuses a running job (`running`), and answers `unknown` for an id it does not hold or a job already cancelled or finished', () => {
      const canceller = new JobCanceller();
      const outcomes: Array<[string, CancelOutcome['status']]> = [];
      const ask = (id: string) => outcomes.push([id, canceller.cancel(id).status]);
      testScheduler().run(({ hot, cold, expectObservable, flush }) => {
        const jobs$ = hot('(ab)', { a: jobs.a1!, b: jobs.b1! });
        const out$ = jobs$.pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1, canceller }), map(show));
        cold('1000ms x').subscribe(() => {
          ask('a1');
          ask('nope');
          ask('b1');
          ask('b1');
        });
        cold('4000ms x').subscribe(() => ask('a1'));
        expectObservable(out$).toBe('1000ms c 1999ms x', { c: 'skip:b1:cancelled', x: 'done:a1' });
        flush();
      });
      expect(outcomes).toEqual([['a1', 'running'], ['nope', 'unknown'], ['b1', 'cancelled'], ['b1', 'unknown'], ['a1', 'unknown']]);
    });

    it('a new job for a cancelled job\'s target is queued, and the cancelled one reaching its slot does not disturb it', () => {
      started.length = 0;
      const canceller = new JobCanceller();
      const snapshots: QueueSnapshot[] = [];
      testScheduler().run(({ hot, cold, expectObservable, flush }) => {
        // b1 cancelled at 1000 ms, b2 for the same target queued at 2000 ms (no target-queued skip); both wait for a1.
        const jobs$ = hot('(ab) 1996ms c', { a: jobs.a1!, b: jobs.b1!, c: jobs.b2! });
        const out$ = jobs$.pipe(runPipeline(recording(cold, 1), { concurrency: 1, canceller, onQueueChange: (q) => snapshots.push(q) }), map(show));
        cold('1000ms x').subscribe(() => canceller.cancel('b1'));
        expectObservable(out$).toBe('1000ms c 1999ms x 2999ms y', { c: 'skip:b1:cancelled', x: 'done:a1', y: 'done:b2' });
        flush();
      });
      expect(started).toEqual(['a1', 'b2']);
      expect(snapshots).toContainEqual({ running: ['b/postgres-main'], queued: [] });
      expect(snapshots.at(-1)).toEqual({ running: [], queued: [] });
    });

    it('tells onQueued of each admitted job, not of skipped ones; completes with the source though nothing cancels', () => {
      const queuedIds: string[] = [];
      testScheduler().run(({ cold, expectObservable }) => {
        const jobs$ = cold('(abc|)', { a: jobs.a1!, b: jobs.a2!, c: jobs.b1! });
        const out$ = jobs$.pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1, canceller: new JobCanceller(), onQueued: (j) => queuedIds.push(j.id) }), map(show));
        expectObservable(out$).toBe('s 2999ms x 2999ms (y|)', { s: 'skip:a2:target-busy', x: 'done:a1', y: 'done:b1' });
      });
      expect(queuedIds).toEqual(['a1', 'b1']);
    });

    it('with nothing attached (not subscribed, or after unsubscribe) every id is unknown', () => {
      const canceller = new JobCanceller();
      expect(canceller.cancel('a1')).toEqual({ status: 'unknown' });
      testScheduler().run(({ hot, cold, expectObservable }) => {
        const out$ = hot('(ab)', { a: jobs.a1!, b: jobs.b1! }).pipe(runPipeline(perJob(runner(cold), 1), { concurrency: 1, canceller }), map(show));
        expectObservable(out$, '^ 1000ms !').toBe('');
      });
      expect(canceller.cancel('b1')).toEqual({ status: 'unknown' });
    });
  });
});
