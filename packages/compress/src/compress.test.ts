import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupJob, Compression, DumpedJob, JobFailed, JobFlow, CompressedJob } from '@baqup/core';
import { failedResult } from '@baqup/core';
import { liveGroups } from '@baqup/proc';
import { compress } from './compress.js';

function job(id: string, compress: Compression): BackupJob {
  return {
    id,
    trigger: 'schedule',
    triggeredAt: new Date('2024-01-15T03:00:00Z'),
    schedule: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } },
    target: { type: 'postgres', instance: 'main', schedule: 'daily', compress, timeoutSeconds: 3600, properties: {} },
    container: { containerId: 'c1', containerName: 'app', image: 'postgres:16', enabled: true, stop: false, schedules: {}, targets: [], errors: [] },
  };
}

const streams: Readable[] = [];
function dumped(id: string, kind: Compression): DumpedJob {
  const stream = new PassThrough();
  streams.push(stream);
  return { kind: 'dumped', job: job(id, kind), stream, extension: 'sql', toolVersions: { pg_dump: '16.1' }, startedAt: new Date() };
}

// What the marble compares: the wiring, not the stream objects.
const summary = (f: JobFlow<CompressedJob>) =>
  f.kind === 'failed' ? `failed:${f.result.job.id}:${f.result.error?.code}` : `${f.job.id}:${f.compression}:${f.extension}:${Object.keys(f.toolVersions).join('+')}`;

afterEach(() => {
  for (const s of streams.splice(0)) s.destroy();
});

describe('compress operator', () => {
  it('maps each dumped job to its compressed form and passes JobFailed through untouched', () => {
    const failed: JobFailed = failedResult(job('f', 'gzip'), new Date(), { code: 'BAQUP_DUMP_FAILED', message: 'x' });
    const a = dumped('a', 'gzip');
    const b = dumped('b', 'none');
    const seen: JobFlow<CompressedJob>[] = [];
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      const source = cold<JobFlow<DumpedJob>>('a-f-b|', { a, f: failed, b });
      const out = source.pipe(compress(), map((f) => (seen.push(f), summary(f))));
      expectObservable(out).toBe('a-f-b|', { a: 'a:gzip:sql.gz:pg_dump+zlib', f: 'failed:f:BAQUP_DUMP_FAILED', b: 'b:none:sql:pg_dump' });
    });
    expect(seen[1]).toBe(failed);
    // none forwards the dump stream itself: no extra stream, no copy.
    expect((seen[2] as CompressedJob).stream).toBe(b.stream);
    expect((seen[0] as CompressedJob).stream).not.toBe(a.stream);
  });

  it('turns an invalid level into JobFailed for that job only and destroys its dump stream', () => {
    const a = dumped('a', 'gzip');
    const b = dumped('b', 'none');
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      const out = cold<JobFlow<DumpedJob>>('a-b|', { a, b }).pipe(compress({ levels: { gzip: 42 } }), map(summary));
      expectObservable(out).toBe('a-b|', { a: 'failed:a:BAQUP_COMPRESS_LEVEL_INVALID', b: 'b:none:sql:pg_dump' });
    });
    expect(a.stream.destroyed).toBe(true);
    expect(b.stream.destroyed).toBe(false);
  });

  it('records the given zstd version in toolVersions', () => {
    const a = dumped('a', 'gzip');
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      const out = cold<JobFlow<DumpedJob>>('a|', { a }).pipe(compress({ toolVersions: { gzip: '1.3' } }), map((f) => (f.kind === 'failed' ? '' : f.toolVersions)));
      expectObservable(out).toBe('a|', { a: { pg_dump: '16.1', zlib: '1.3' } });
    });
  });

  it('counts the dump\'s bytes as they pass into the compressor (rawBytes), none for an uncompressed target', async () => {
    const a = dumped('raw', 'gzip');
    let out: CompressedJob | undefined;
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      expectObservable(cold<JobFlow<DumpedJob>>('a|', { a }).pipe(compress(), map((f) => ((out = f as CompressedJob), 'x')))).toBe('x|');
    });
    const chunks: Buffer[] = [];
    out!.stream.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((r) => out!.stream.on('end', r));
    const input = a.stream as PassThrough;
    for (let i = 0; i < 10; i++) input.write(Buffer.alloc(10_000, i));
    input.end();
    await ended;
    expect(out!.rawBytes?.()).toBe(100_000);
    expect(Buffer.concat(chunks).length).toBeLessThan(100_000);
    const b = dumped('plain', 'none');
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      expectObservable(cold<JobFlow<DumpedJob>>('b|', { b }).pipe(compress(), map((f) => ('rawBytes' in f ? 'counted' : 'not')))).toBe('n|', { n: 'not' });
    });
  });

  it('zstd: hands stage writeTo and the dump stream itself; zstd starts only when given the file, and counts the raw bytes', async () => {
    const a = dumped('z', 'zstd');
    let out: CompressedJob | undefined;
    new TestScheduler((act, exp) => expect(act).toEqual(exp)).run(({ cold, expectObservable }) => {
      expectObservable(cold<JobFlow<DumpedJob>>('a|', { a }).pipe(compress(), map((f) => ((out = f as CompressedJob), summary(f))))).toBe('x|', { x: 'z:zstd:sql.zst:pg_dump' });
    });
    expect(out!.stream).toBe(a.stream);
    expect(typeof out!.writeTo).toBe('function');
    expect(liveGroups().filter((g) => g.command === 'zstd')).toHaveLength(0);
    const dir = mkdtempSync(join(tmpdir(), 'baqup-compress-'));
    const fd = openSync(join(dir, 'out.zst'), 'wx+');
    try {
      const input = a.stream as PassThrough;
      const written = out!.writeTo!(fd, new AbortController().signal);
      expect(liveGroups().filter((g) => g.command === 'zstd')).toHaveLength(1);
      for (let i = 0; i < 10; i++) input.write(Buffer.alloc(10_000, i));
      input.end();
      await written;
      expect(out!.rawBytes?.()).toBe(100_000);
      const stored = readFileSync(join(dir, 'out.zst'));
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.length).toBeLessThan(100_000);
      await expect(out!.writeTo!(fd, new AbortController().signal)).rejects.toThrow('twice');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
