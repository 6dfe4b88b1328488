// Small builders for the stage tests (excluded from the build by tsconfig.build.json).
import { Readable } from 'node:stream';
import type { BackupJob, CompressedJob, Compression } from '@baqup/core';

export function backupJob(overrides: { container?: string; triggeredAt?: Date; id?: string } = {}): BackupJob {
  return {
    id: overrides.id ?? 'job-1',
    trigger: 'manual',
    triggeredAt: overrides.triggeredAt ?? new Date('2024-01-15T03:00:00.250Z'),
    schedule: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } },
    target: { type: 'postgres', instance: 'main', schedule: 'daily', compress: 'gzip', timeoutSeconds: 3600, properties: {} },
    container: {
      containerId: 'abc123',
      containerName: overrides.container ?? 'nextcloud',
      image: 'postgres:16',
      enabled: true,
      stop: false,
      schedules: {},
      targets: [],
      errors: [],
    },
  };
}

export function compressedJob(stream: Readable, job = backupJob(), compression: Compression = 'gzip'): CompressedJob {
  return {
    kind: 'compressed',
    job,
    stream,
    extension: compression === 'gzip' ? 'sql.gz' : compression === 'zstd' ? 'sql.zst' : 'sql',
    compression,
    databases: ['nextcloud'],
    toolVersions: { pg_dump: '16.1', zlib: '1.3' },
    startedAt: new Date(job.triggeredAt.getTime() + 10),
  };
}

/** Seeded pseudo-random bytes in 64 KiB chunks. */
export function bytes(total: number, seed = 1): Buffer[] {
  const out: Buffer[] = [];
  let s = seed;
  for (let done = 0; done < total; ) {
    const n = Math.min(64 * 1024, total - done);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      b[i] = s >>> 24;
    }
    out.push(b);
    done += n;
  }
  return out;
}

/** Yields `chunks`, then fails with `error` instead of ending (a dump that died halfway). */
export function failingStream(chunks: Buffer[], error: Error): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks.length) this.push(chunks[i++]);
      else setImmediate(() => this.destroy(error));
    },
  });
}
