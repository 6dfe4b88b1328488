import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { firstValueFrom, from, map, of, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { BaqupError, failedResult, silentLogger, type CompressedJob, type JobFlow, type StagedJob } from '@baqup/core';
import { stage } from './stage.js';
import { backupJob, bytes, compressedJob } from './__fixtures__/jobs.js';
import { StageDiskFullError } from './errors.js';

const summary = (f: JobFlow<StagedJob>) => (f.kind === 'failed' ? `failed:${f.result.job.id}:${f.result.error?.code}` : `staged:${f.job.id}:${f.stagingPath}`);

describe('stage operator (wiring)', () => {
  it('stages jobs, turns a failure into JobFailed for that job only, and passes JobFailed through untouched', () => {
    const a = compressedJob(new PassThrough(), backupJob({ id: 'a' }));
    const b = compressedJob(new PassThrough(), backupJob({ id: 'b' }));
    const f = failedResult(backupJob({ id: 'f' }), new Date(), { code: 'BAQUP_DUMP_FAILED', message: 'x' });
    const seen: JobFlow<StagedJob>[] = [];
    const fakeStage = (job: CompressedJob) =>
      job.job.id === 'b'
        ? throwError(() => new StageDiskFullError('/staging/x', Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })))
        : of<StagedJob>({ kind: 'staged', job: job.job, stagingPath: `/s/${job.job.id}`, manifest: {} as StagedJob['manifest'] });
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      const out = cold<JobFlow<CompressedJob>>('a-f-b-|', { a, f, b }).pipe(
        stage({ root: '/s', logger: silentLogger, stageJob: fakeStage }),
        map((x) => (seen.push(x), summary(x))),
      );
      expectObservable(out).toBe('a-f-b-|', { a: 'staged:a:/s/a', f: 'failed:f:BAQUP_DUMP_FAILED', b: 'failed:b:BAQUP_STAGE_DISK_FULL' });
    });
    expect(seen[1]).toBe(f);
    expect(b.stream.destroyed).toBe(true);
    expect(a.stream.destroyed).toBe(false);
  });

  it('logs disk full as an error with the job fields', () => {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const logger = {
      debug: (m: string, f?: Record<string, unknown>) => lines.push(['debug', m, f]),
      info: (m: string, f?: Record<string, unknown>) => lines.push(['info', m, f]),
      warn: (m: string, f?: Record<string, unknown>) => lines.push(['warn', m, f]),
      error: (m: string, f?: Record<string, unknown>) => lines.push(['error', m, f]),
    };
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      const j = compressedJob(new PassThrough(), backupJob({ id: 'x' }));
      const out = cold('j|', { j }).pipe(stage({ root: '/s', logger, stageJob: () => throwError(() => new StageDiskFullError('/s', new Error('ENOSPC'))) }), map(summary));
      expectObservable(out).toBe('j|', { j: 'failed:x:BAQUP_STAGE_DISK_FULL' });
    });
    expect(lines).toEqual([
      ['error', 'staging failed', expect.objectContaining({ job_id: 'x', container: 'nextcloud', target: 'postgres-main', error: { code: 'BAQUP_STAGE_DISK_FULL', message: 'staging disk full while writing /s' } })],
    ]);
  });
});

describe('stage operator (on disk)', () => {
  it('writes real files and reports failures as JobFailed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'baqup-stage-op-'));
    try {
      const ok = compressedJob(Readable.from(bytes(10_000)), backupJob({ id: 'ok', container: 'one' }));
      const bad = compressedJob(
        new Readable({ read() { this.destroy(new BaqupError('BAQUP_DUMP_FAILED', 'dump died')); } }),
        backupJob({ id: 'bad', container: 'two' }),
      );
      const out = await firstValueFrom(from([ok, bad]).pipe(stage({ root, logger: silentLogger }), toArray()));
      const byId = Object.fromEntries(out.map((f) => [f.kind === 'failed' ? f.result.job.id : f.job.id, f]));
      const staged = byId.ok as StagedJob;
      expect(staged.kind).toBe('staged');
      expect(readFileSync(staged.stagingPath).length).toBe(10_000);
      expect(byId.bad).toMatchObject({ kind: 'failed', result: { success: false, error: { code: 'BAQUP_DUMP_FAILED', message: 'dump died' } } });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
