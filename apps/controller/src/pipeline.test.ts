// The controller's wiring in virtual time: the job queue (runPipeline) in front of the one backup pipeline, its
// stages swapped for marble-timed fakes. What is checked: stage concurrency (two dumps while one transfer runs),
// per-target no-overlap across the whole pipeline, errors as values, the halt, and the job.* log lines.
import { PassThrough } from 'node:stream';
import { map, mergeMap, of, tap, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { BackupJob, BackupResult, CompressedJob, DumpedJob, JobFlow, StagedJob } from '@baqup/core';
import { memoryLogger } from '@baqup/core/testing';
import { failedResult, HoldRefusedError } from '@baqup/core';
import { runPipeline, type JobSkipped } from '@baqup/scheduler';
import { upload, type UploadedJob } from '@baqup/upload';
import { backupPipeline, type Stages } from './pipeline.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

function job(container: string, id: string): BackupJob {
  const target = { type: 'fs' as const, instance: 'main', schedule: 'daily', compress: 'none' as const, timeoutSeconds: 1, properties: {} };
  const schedule = { name: 'daily', cron: '0 3 * * *', retention: {} };
  return {
    id,
    container: { containerId: container, containerName: container, image: 'i', enabled: true, stop: false, schedules: { daily: schedule }, targets: [target], errors: [] },
    target, schedule, triggeredAt: new Date(0), trigger: 'schedule',
  };
}

type Cold = <T>(marbles: string, values?: Record<string, T>) => Observable<T>;

/** Dump 2 s (concurrency 2, a failing dump for container `bad`), compress and stage instant, upload 3 s (one at a time), prune instant. */
function fakeStages(cold: Cold, log: string[], opts: { dumpConcurrency?: number; uploadConcurrency?: number } = {}): Stages {
  const manifest = (j: BackupJob) => ({ version: 1 as const, container: j.container.containerName, containerId: 'x', image: 'i', type: 'fs' as const, instance: 'main', schedule: 'daily', timestamp: '19700101T000000Z', file: '19700101T000000Z.tar', compression: 'none' as const, size: 5, sha256: 'x', toolVersions: {}, durations: { dumpMs: 0, totalMs: 0 } });
  return {
    dump: (onStart) =>
      mergeMap((j: BackupJob) => {
        const refused = onStart(j);
        if (refused) return of(failedResult(j, j.triggeredAt, refused));
        log.push(`dump:${j.id}`);
        if (j.container.containerName === 'bad') return cold<JobFlow<DumpedJob>>('2000ms (f|)', { f: failedResult(j, j.triggeredAt, { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump exited 1' }) });
        return cold<JobFlow<DumpedJob>>('2000ms (d|)', { d: { kind: 'dumped', job: j, stream: new PassThrough(), extension: 'tar', toolVersions: {}, startedAt: new Date(0) } });
      }, opts.dumpConcurrency ?? 2),
    compress: map((f) => (f.kind === 'failed' ? f : ({ ...f, kind: 'compressed', compression: 'none' } as CompressedJob))),
    stage: map((f) => (f.kind === 'failed' ? f : ({ kind: 'staged', job: f.job, stagingPath: `/s/${f.job.id}`, manifest: manifest(f.job) } as StagedJob))),
    // The real upload operator, its store swapped for a 3 s transfer.
    upload: upload(
      { markerKey: 'test', store: () => Promise.reject(new Error('not used')) },
      {
        stagingRoot: '/s', cleanupAfterUpload: false, logger: memoryLogger(),
        ...(opts.uploadConcurrency ? { concurrency: opts.uploadConcurrency } : {}),
        storeJob: (s) => {
          log.push(`upload:${s.job.id}`);
          return cold<UploadedJob>('3000ms (u|)', { u: { kind: 'uploaded', job: s.job, stagingPath: s.stagingPath, stagingRemoved: false, manifest: s.manifest, report: { snapshotId: 'x', bytesProcessed: 5, bytesAdded: 5, durationMs: 3000 } } });
        },
      },
    ),
    prune: map((f) => f),
  };
}

const show = (r: BackupResult | JobSkipped) => ('kind' in r ? `skip:${r.job.id}` : `${r.success ? 'ok' : 'failed'}:${r.job.id}`);

describe('the controller pipeline', () => {
  it('two dumps run while one transfer is on the link; a job waits only for the stage that is full', () => {
    const log: string[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(abc)', { a: job('a', 'a1'), b: job('b', 'b1'), c: job('c', 'c1') });
      const pipeline = backupPipeline({ logger: memoryLogger(), halted: () => undefined }, fakeStages(cold as Cold, log));
      // a, b dump 0–2 s; c dumps 2–4 s; uploads one at a time: a 2–5, b 5–8, c 8–11.
      expectObservable(jobs$.pipe(runPipeline(pipeline, { concurrency: 2 }), map(show))).toBe('5000ms a 2999ms b 2999ms c', { a: 'ok:a1', b: 'ok:b1', c: 'ok:c1' });
    });
  });

  it("a target's next job is skipped until its previous result came out of the whole pipeline, not just out of dump", () => {
    const log: string[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      // a2 comes at 3 s: a1 is uploading (2–5 s), so a2 is skipped; a3 at 6 s runs (dump 6–8, upload 8–11).
      const jobs$ = hot('a 2999ms b 2999ms c', { a: job('a', 'a1'), b: job('a', 'a2'), c: job('a', 'a3') });
      const pipeline = backupPipeline({ logger: memoryLogger(), halted: () => undefined }, fakeStages(cold as Cold, log));
      expectObservable(jobs$.pipe(runPipeline(pipeline, { concurrency: 2 }), map(show))).toBe('3000ms s 1999ms a 5999ms c', { s: 'skip:a2', a: 'ok:a1', c: 'ok:a3' });
    });
  });

  it('a failed dump is a failed result at once (it never waits behind an upload) and logs job.failed; the others go on', () => {
    const log: string[] = [];
    const logger = memoryLogger();
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(ab)', { a: job('a', 'a1'), b: job('bad', 'x1') });
      const pipeline = backupPipeline({ logger, halted: () => undefined }, fakeStages(cold as Cold, log));
      expectObservable(jobs$.pipe(runPipeline(pipeline, { concurrency: 2 }), map(show))).toBe('2000ms f 2999ms a', { f: 'failed:x1', a: 'ok:a1' });
    });
    expect(logger.lines.filter((l) => String(l.event).startsWith('job.')).map((l) => `${l.event}:${l.job_id}`)).toEqual([
      'job.started:a1', 'job.started:x1', 'job.failed:x1', 'job.succeeded:a1',
    ]);
    const failed = logger.lines.find((l) => l.event === 'job.failed');
    expect(failed).toMatchObject({ level: 'error', container: 'bad', target: 'fs-main', schedule: 'daily', error: { code: 'BAQUP_DUMP_FAILED' } });
    const ok = logger.lines.find((l) => l.event === 'job.succeeded');
    expect(ok).toMatchObject({ level: 'info', container: 'a', target: 'fs-main', bytes: 5, path: '/s/a1' });
  });

  it('a halted controller refuses each job when it would start: job.failed with BAQUP_CONTROLLER_HALTED, no job.started, nothing dumped', () => {
    const log: string[] = [];
    const logger = memoryLogger();
    let results: BackupResult[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('a', { a: job('a', 'a1') });
      const pipeline = backupPipeline({ logger, halted: () => 'staging disk full' }, fakeStages(cold as Cold, log));
      const out$ = jobs$.pipe(runPipeline(pipeline, { concurrency: 2 }), tap((r) => (results = [...results, r as BackupResult])));
      expectObservable(out$.pipe(map(show))).toBe('f', { f: 'failed:a1' });
    });
    expect(log).toEqual([]);
    expect(results[0]).toMatchObject({ success: false, error: { code: 'BAQUP_CONTROLLER_HALTED', message: 'staging disk full' } });
    expect(logger.lines.map((l) => l.event)).toEqual(['job.failed']);
  });

  it('uploads at concurrency 2 when the stage says so: the option means what it says', () => {
    const log: string[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const jobs$ = hot('(abc)', { a: job('a', 'a1'), b: job('b', 'b1'), c: job('c', 'c1') });
      const pipeline = backupPipeline({ logger: memoryLogger(), halted: () => undefined }, fakeStages(cold as Cold, log, { uploadConcurrency: 2 }));
      expectObservable(jobs$.pipe(runPipeline(pipeline, { concurrency: 2 }), map(show))).toBe('5000ms (ab) 2996ms c', { a: 'ok:a1', b: 'ok:b1', c: 'ok:c1' });
    });
  });

  it('a job still queued when the controller stops is skipped (reason stopping) when its slot comes: nothing dumped, no job.failed', () => {
    const log: string[] = [];
    const logger = memoryLogger();
    let stopping = false;
    testScheduler().run(({ hot, cold, expectObservable, flush }) => {
      // One dump slot: a1 dumps 0–2 s and uploads 2–5 s; b1 waits for the slot, which frees at 2 s, after the stop at 1 s.
      const jobs$ = hot('(ab)', { a: job('a', 'a1'), b: job('b', 'b1') });
      const pipeline = backupPipeline({ logger, halted: () => undefined }, fakeStages(cold as Cold, log, { dumpConcurrency: 1 }));
      cold('1000ms x').subscribe(() => (stopping = true));
      const out$ = jobs$.pipe(runPipeline(pipeline, { concurrency: 1, logger, stopping: () => stopping }), map((r) => ('kind' in r ? `skip:${r.job.id}:${r.reason}` : show(r))));
      expectObservable(out$).toBe('2000ms s 2999ms a', { s: 'skip:b1:stopping', a: 'ok:a1' });
      flush();
    });
    expect(log).toEqual(['dump:a1', 'upload:a1']);
    expect(logger.lines.filter((l) => String(l.event).startsWith('job.') && l.event !== 'job.queued').map((l) => `${l.event}:${l.job_id}`)).toEqual([
      'job.started:a1', 'job.skipped:b1', 'job.succeeded:a1',
    ]);
  });

  it('a cold hold refused because the controller is stopping is logged as job.skipped, not job.failed', () => {
    const logger = memoryLogger();
    const holds = { closed: true };
    const refusing: Stages = {
      ...fakeStages((() => of()) as unknown as Cold, []),
      dump: (onStart) => map((j: BackupJob) => failedResult(j, j.triggeredAt, onStart(j) ?? { code: HoldRefusedError.code, message: 'the controller is stopping' })),
    };
    testScheduler().run(({ hot, expectObservable }) => {
      const jobs$ = hot('a', { a: job('a', 'a1') });
      const pipeline = backupPipeline({ logger, halted: () => undefined, holds }, refusing);
      expectObservable(jobs$.pipe(runPipeline(pipeline, { concurrency: 1 }), map(show))).toBe('f', { f: 'failed:a1' });
    });
    expect(logger.lines.filter((l) => String(l.event).startsWith('job.')).map((l) => `${l.event}:${l.reason ?? ''}`)).toEqual(['job.started:', 'job.skipped:stopping']);
  });

  it('each started job is told to onStarted (halted ones too, stopping-skipped ones not); its result waits for onFinished (post_exec) before it leaves', () => {
    const log: string[] = [];
    const seen: string[] = [];
    let stopping = false;
    testScheduler().run(({ hot, cold, expectObservable, flush }) => {
      // One dump slot: a1 dumps 0–2 s, uploads 2–5 s, then its post_exec takes 1 s (out at 6 s); b1's slot comes at 2 s,
      // after the stop at 1 s: skipped, never started, no post_exec.
      const jobs$ = hot('(ab)', { a: job('a', 'a1'), b: job('b', 'b1') });
      const pipeline = backupPipeline(
        {
          logger: memoryLogger(),
          halted: () => undefined,
          onStarted: (j) => void seen.push(`started:${j.id}`),
          onFinished: (r) => {
            seen.push(`post_exec:${r.job.id}`);
            return cold('1000ms (x|)');
          },
        },
        fakeStages(cold as Cold, log, { dumpConcurrency: 1 }),
      );
      cold('1000ms x').subscribe(() => (stopping = true));
      const out$ = jobs$.pipe(runPipeline(pipeline, { concurrency: 1, stopping: () => stopping }), map(show));
      expectObservable(out$).toBe('2000ms s 3999ms a', { s: 'skip:b1', a: 'ok:a1' });
      flush();
    });
    expect(seen).toEqual(['started:a1', 'post_exec:a1']);
    // A halted controller still starts the job (its post_exec runs for the refusal, as the pre-port runner did).
    const halted: string[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const pipeline = backupPipeline(
        { logger: memoryLogger(), halted: () => 'staging disk full', onStarted: (j) => void halted.push(`started:${j.id}`), onFinished: (r) => of(halted.push(`post_exec:${r.job.id}:${r.error?.code ?? ''}`)) },
        fakeStages(cold as Cold, []),
      );
      expectObservable(hot('a', { a: job('a', 'a1') }).pipe(runPipeline(pipeline, { concurrency: 1 }), map(show))).toBe('f', { f: 'failed:a1' });
    });
    expect(halted).toEqual(['started:a1', 'post_exec:a1:BAQUP_CONTROLLER_HALTED']);
  });
});
