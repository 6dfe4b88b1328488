import { PassThrough } from 'node:stream';
import { Subject, firstValueFrom, from, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { BackupJob, DumpedJob } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { PreExecFailedError } from './errors.js';
import type { ContainerHolds } from './holds.js';
import { dump } from './operator.js';

function job(id: string): BackupJob {
  const target = { type: 'fs' as const, instance: 'main', schedule: 'daily', compress: 'none' as const, timeoutSeconds: 1, properties: {} };
  const schedule = { name: 'daily', cron: '0 3 * * *', retention: {} };
  return {
    id,
    container: { containerId: 'c', containerName: 'app', image: 'i', enabled: true, stop: false, schedules: { daily: schedule }, targets: [target], errors: [] },
    target,
    schedule,
    triggeredAt: new Date(0),
    trigger: 'manual',
  };
}

describe('dump operator', () => {
  it('emits a DumpedJob per job, and a JobFailed (not an error) for a job that cannot start', async () => {
    const deps = { docker: {} as DockerClient, holds: {} as ContainerHolds };
    const start = async (_deps: unknown, j: BackupJob): Promise<DumpedJob> => {
      if (j.id === 'bad') throw new PreExecFailedError(3, 'not ready');
      return { kind: 'dumped', job: j, stream: new PassThrough().end('x'), extension: 'tar', toolVersions: {}, startedAt: new Date() };
    };
    // The later stages read each stream; here the test does.
    const out = await firstValueFrom(from([job('ok'), job('bad'), job('ok2')]).pipe(dump(deps, { start }), tap((o) => o.kind === 'dumped' && o.stream.resume()), toArray()));
    expect(out.map((o) => o.kind)).toEqual(['dumped', 'failed', 'dumped']);
    const failed = out[1];
    expect(failed?.kind === 'failed' && failed.result).toMatchObject({
      success: false,
      job: { id: 'bad' },
      error: { code: 'BAQUP_DUMP_PRE_EXEC_FAILED', message: 'pre_exec exited with code 3: not ready' },
    });
  });
});

describe('dump operator concurrency', () => {
  const deps = { docker: {} as DockerClient, holds: {} as ContainerHolds };

  it('holds a slot until the dump stream is done: the third of three jobs starts only when a stream ends', async () => {
    const streams = new Map<string, PassThrough>();
    const started: string[] = [];
    const start = async (_deps: unknown, j: BackupJob): Promise<DumpedJob> => {
      started.push(j.id);
      const stream = new PassThrough();
      streams.set(j.id, stream);
      return { kind: 'dumped', job: j, stream, extension: 'tar', toolVersions: {}, startedAt: new Date() };
    };
    const jobs$ = new Subject<BackupJob>();
    const seen: string[] = [];
    jobs$.pipe(dump(deps, { start, concurrency: 2 })).subscribe((o) => {
      if (o.kind === 'dumped') {
        seen.push(o.job.id);
        o.stream.resume();
      }
    });
    for (const id of ['a', 'b', 'c']) jobs$.next(job(id));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['a', 'b']);
    streams.get('b')!.end();
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual(['a', 'b', 'c']);
    // A stream that fails (the later stage destroyed it) frees its slot too.
    jobs$.next(job('d'));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['a', 'b', 'c']);
    streams.get('a')!.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('onStart refuses a job when it gets its slot: a JobFailed with that error, nothing started', async () => {
    const started: string[] = [];
    const start = async (_deps: unknown, j: BackupJob): Promise<DumpedJob> => {
      started.push(j.id);
      return { kind: 'dumped', job: j, stream: new PassThrough().end(), extension: 'tar', toolVersions: {}, startedAt: new Date() };
    };
    const onStart = (j: BackupJob) => (j.id === 'no' ? { code: 'BAQUP_CONTROLLER_HALTED', message: 'disk full' } : undefined);
    const out = await firstValueFrom(from([job('no'), job('yes')]).pipe(dump(deps, { start, onStart }), tap((o) => o.kind === 'dumped' && o.stream.resume()), toArray()));
    expect(started).toEqual(['yes']);
    expect(out[0]).toMatchObject({ kind: 'failed', result: { success: false, job: { id: 'no' }, error: { code: 'BAQUP_CONTROLLER_HALTED', message: 'disk full' } } });
  });
});
