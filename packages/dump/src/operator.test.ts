import { PassThrough } from 'node:stream';
import { firstValueFrom, from, toArray } from 'rxjs';
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
      return { kind: 'dumped', job: j, stream: new PassThrough(), extension: 'tar', toolVersions: {}, startedAt: new Date() };
    };
    const out = await firstValueFrom(from([job('ok'), job('bad'), job('ok2')]).pipe(dump(deps, start), toArray()));
    expect(out.map((o) => o.kind)).toEqual(['dumped', 'failed', 'dumped']);
    const failed = out[1];
    expect(failed?.kind === 'failed' && failed.result).toMatchObject({
      success: false,
      job: { id: 'bad' },
      error: { code: 'BAQUP_DUMP_PRE_EXEC_FAILED', message: 'pre_exec exited with code 3: not ready' },
    });
  });
});
