// The upload operator's wiring (pure units, virtual time): its concurrency and its errors-as-values contract.
// The real rclone and restic stores run in e2e/test/upload-rclone.test.ts and upload-restic.test.ts.
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { BackupJob, JobFlow, StagedJob } from '@baqup/core';
import { silentLogger } from '@baqup/core';
import { upload, type UploadedJob } from './upload-operator.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

function staged(id: string): StagedJob {
  const target = { type: 'fs' as const, instance: 'main', schedule: 'daily', compress: 'none' as const, timeoutSeconds: 1, properties: {} };
  const schedule = { name: 'daily', cron: '0 3 * * *', retention: {} };
  const job: BackupJob = {
    id,
    container: { containerId: id, containerName: id, image: 'i', enabled: true, stop: false, schedules: { daily: schedule }, targets: [target], errors: [] },
    target, schedule, triggeredAt: new Date(0), trigger: 'manual',
  };
  const manifest = { version: 1 as const, container: id, containerId: id, image: 'i', type: 'fs' as const, instance: 'main', schedule: 'daily', timestamp: '19700101T000000Z', file: '19700101T000000Z.tar', compression: 'none' as const, size: 1, sha256: 'x', toolVersions: {}, durations: { dumpMs: 0, totalMs: 0 } };
  return { kind: 'staged', job, stagingPath: `/s/${id}/fs-main/19700101T000000Z.tar`, manifest };
}

const show = (f: JobFlow<UploadedJob>) => (f.kind === 'failed' ? `failed:${f.result.job.id}:${f.result.error?.code}` : `up:${f.job.id}`);
const backend = { markerKey: 'test', store: () => Promise.reject(new Error('not used')) };

const uploaded = (s: StagedJob): UploadedJob => ({ kind: 'uploaded', job: s.job, stagingPath: s.stagingPath, stagingRemoved: false, manifest: s.manifest, report: { snapshotId: 'x', bytesProcessed: 1, bytesAdded: 1, durationMs: 1 } });
const options = { stagingRoot: '/s', cleanupAfterUpload: false, logger: silentLogger };

describe('upload operator', () => {
  it('one transfer at a time by default: three staged at once are stored one after the other', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const in$ = hot('(abc)', { a: staged('a'), b: staged('b'), c: staged('c') });
      const storeJob = (s: StagedJob) => cold<UploadedJob>('3000ms (u|)', { u: uploaded(s) });
      const out$ = in$.pipe(upload(backend, { ...options, storeJob }), map(show));
      expectObservable(out$).toBe('3000ms a 2999ms b 2999ms c', { a: 'up:a', b: 'up:b', c: 'up:c' });
    });
  });

  it('concurrency 2 means two transfers at once, no more', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const in$ = hot('(abc)', { a: staged('a'), b: staged('b'), c: staged('c') });
      const storeJob = (s: StagedJob) => cold<UploadedJob>('3000ms (u|)', { u: uploaded(s) });
      const out$ = in$.pipe(upload(backend, { ...options, storeJob, concurrency: 2 }), map(show));
      expectObservable(out$).toBe('3000ms (ab) 2996ms c', { a: 'up:a', b: 'up:b', c: 'up:c' });
    });
  });

  it('a failed store is a JobFailed, not an error; failed jobs of earlier stages pass at once, never behind a transfer', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const earlier: JobFlow<StagedJob> = { kind: 'failed', result: { job: staged('e').job, success: false, error: { code: 'BAQUP_DUMP_FAILED', message: 'x' }, durationSeconds: 0 } };
      const in$ = hot('a b', { a: staged('a'), b: earlier });
      const failing = () => cold<UploadedJob>('1000ms #', undefined, new Error('link down'));
      const out$ = in$.pipe(upload(backend, { ...options, storeJob: failing }), map(show));
      expectObservable(out$).toBe('- b 998ms a', { a: 'failed:a:BAQUP_INTERNAL', b: 'failed:e:BAQUP_DUMP_FAILED' });
    });
  });
});
