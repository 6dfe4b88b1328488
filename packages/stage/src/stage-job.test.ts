import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaqupError } from '@baqup/core';
import { stageJob } from './stage-job.js';
import { backupJob, bytes, compressedJob, failingStream } from './__fixtures__/jobs.js';
import { isDiskFull, StageDiskFullError, StageWriteError, toInputError, toWriteError } from './errors.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baqup-stage-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const dir = (r = root) => join(r, 'nextcloud', 'postgres-main');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('stageJob', () => {
  it('writes the file, its .sha256 and its manifest, atomically and with the right hash', async () => {
    const data = bytes(1_000_000);
    const staged = await stageJob(compressedJob(Readable.from(data)), { root, now: () => new Date('2024-01-15T03:00:05Z') });
    const file = join(dir(), '20240115T030000Z.sql.gz');
    expect(staged.stagingPath).toBe(file);
    expect(readdirSync(dir()).sort()).toEqual(['.last-timestamp', '20240115T030000Z.sql.gz', '20240115T030000Z.sql.gz.manifest.json', '20240115T030000Z.sql.gz.sha256']);
    expect(readFileSync(join(dir(), '.last-timestamp'), 'utf8')).toBe('20240115T030000Z\n');
    const content = readFileSync(file);
    expect(content.equals(Buffer.concat(data))).toBe(true);
    expect(readFileSync(`${file}.sha256`, 'utf8')).toBe(`${sha(content)}  20240115T030000Z.sql.gz\n`);
    // The sidecar is real sha256sum format.
    expect(execFileSync('sha256sum', ['-c', '20240115T030000Z.sql.gz.sha256'], { cwd: dir() }).toString()).toContain(': OK');
    const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'));
    expect(manifest).toEqual(staged.manifest);
    expect(manifest).toMatchObject({
      version: 1,
      container: 'nextcloud',
      containerId: 'abc123',
      image: 'postgres:16',
      type: 'postgres',
      instance: 'main',
      schedule: 'daily',
      timestamp: '20240115T030000Z',
      file: '20240115T030000Z.sql.gz',
      compression: 'gzip',
      size: 1_000_000,
      sha256: sha(content),
      databases: ['nextcloud'],
      toolVersions: { pg_dump: '16.1', zlib: '1.3' },
    });
    expect(manifest.durations.totalMs).toBe(5000 - 260);
  });

  it('records the dump\'s raw size: what the compressor counted, or the staged size when nothing compressed it', async () => {
    const counted = { ...compressedJob(Readable.from(bytes(300_000))), rawBytes: () => 1_234_567 };
    expect((await stageJob(counted, { root })).manifest.rawSize).toBe(1_234_567);
    const plain = compressedJob(Readable.from(bytes(200_000)), backupJob({ id: 'j2', triggeredAt: new Date('2024-01-16T03:00:00Z') }), 'none');
    expect((await stageJob(plain, { root })).manifest).toMatchObject({ rawSize: 200_000, size: 200_000 });
  });

  it('leaves neither file nor temp file when the stream fails halfway, and keeps the upstream error code', async () => {
    const dumpFailed = new BaqupError('BAQUP_DUMP_FAILED', 'pg_dump exited with code 1');
    const err = await stageJob(compressedJob(failingStream(bytes(500_000), dumpFailed)), { root }).catch((e: unknown) => e);
    expect(err).toBe(dumpFailed);
    expect(readdirSync(dir())).toEqual([]);
  });

  it('wraps a plain stream error as BAQUP_STAGE_INPUT_FAILED', async () => {
    const err = await stageJob(compressedJob(failingStream(bytes(100), new Error('socket hang up'))), { root }).catch((e: unknown) => e);
    expect(err).toHaveProperty('code', 'BAQUP_STAGE_INPUT_FAILED');
    expect(readdirSync(dir())).toEqual([]);
  });

  it('never overwrites: a second run in the same second gets the next second', async () => {
    const first = await stageJob(compressedJob(Readable.from(bytes(1000, 1))), { root });
    const second = await stageJob(compressedJob(Readable.from(bytes(1000, 2))), { root });
    expect(first.manifest.file).toBe('20240115T030000Z.sql.gz');
    expect(second.manifest.file).toBe('20240115T030001Z.sql.gz');
    expect(second.manifest.timestamp).toBe('20240115T030001Z');
    expect(sha(readFileSync(first.stagingPath))).toBe(first.manifest.sha256);
    expect(sha(readFileSync(second.stagingPath))).toBe(second.manifest.sha256);
    expect(first.manifest.sha256).not.toBe(second.manifest.sha256);
    expect(readdirSync(dir())).toHaveLength(7);
  });

  it('never reuses a name whose backup was removed after upload (cleanup_after_upload): the remote still has it', async () => {
    const first = await stageJob(compressedJob(Readable.from(bytes(1000, 1))), { root });
    for (const f of readdirSync(dir())) if (!f.startsWith('.')) rmSync(join(dir(), f));
    const second = await stageJob(compressedJob(Readable.from(bytes(1000, 2))), { root });
    const third = await stageJob(compressedJob(Readable.from(bytes(1000, 3))), { root });
    expect([first.manifest.file, second.manifest.file, third.manifest.file]).toEqual(['20240115T030000Z.sql.gz', '20240115T030001Z.sql.gz', '20240115T030002Z.sql.gz']);
  });

  it('a later trigger keeps its own time; a last name over an hour ahead (clock stepped back) does not push names into the future', async () => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(join(dir(), '.last-timestamp'), '20240115T025959Z\n');
    expect((await stageJob(compressedJob(Readable.from(bytes(10, 1))), { root })).manifest.file).toBe('20240115T030000Z.sql.gz');
    writeFileSync(join(dir(), '.last-timestamp'), '20240115T040001Z\n');
    expect((await stageJob(compressedJob(Readable.from(bytes(10, 2))), { root })).manifest.file).toBe('20240115T030001Z.sql.gz');
    writeFileSync(join(dir(), '.last-timestamp'), 'garbage');
    expect((await stageJob(compressedJob(Readable.from(bytes(10, 3))), { root })).manifest.file).toBe('20240115T030002Z.sql.gz');
  });

  it('treats a name whose stale manifest remains as taken', async () => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(join(dir(), '20240115T030000Z.sql.gz.manifest.json'), '{}');
    const staged = await stageJob(compressedJob(Readable.from(bytes(10))), { root });
    expect(staged.manifest.file).toBe('20240115T030001Z.sql.gz');
  });

  it('fails with a write error and destroys the input when the directory cannot be made', async () => {
    writeFileSync(join(root, 'nextcloud'), 'a file where a directory should be');
    const input = Readable.from(bytes(10));
    const err = await stageJob(compressedJob(input), { root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageWriteError);
    expect(input.destroyed).toBe(true);
  });
});

// ENOSPC for real: a 1 MiB tmpfs (needs root and mount; skipped, visibly, where neither is allowed).
function mountTinyTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const mnt = mkdtempSync(join(tmpdir(), 'baqup-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
  if (r.status === 0) return mnt;
  rmSync(mnt, { recursive: true, force: true });
  return undefined;
}
const tinyFs = mountTinyTmpfs();

describe.skipIf(!tinyFs)('stageJob on a full disk (1 MiB tmpfs)', () => {
  afterAll(() => {
    spawnSync('umount', [tinyFs!]);
    rmSync(tinyFs!, { recursive: true, force: true });
  });
  it('fails with BAQUP_STAGE_DISK_FULL (not retryable), leaves nothing, and stops the input', async () => {
    let produced = 0;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const endless = new Readable({
      read() {
        produced += chunk.length;
        this.push(chunk);
      },
    });
    const err = await stageJob(compressedJob(endless), { root: tinyFs! }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageDiskFullError);
    expect((err as StageDiskFullError).retryable).toBe(false);
    expect(isDiskFull(err)).toBe(true);
    expect(readdirSync(dir(tinyFs!))).toEqual([]);
    expect(endless.destroyed).toBe(true);
    expect(produced).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('error mapping', () => {
  const errno = (code: string) => Object.assign(new Error(code), { code });
  it.each(['ENOSPC', 'EDQUOT'])('%s is disk full, not retryable', (code) => {
    const e = toWriteError('/s/x', errno(code));
    expect(e).toBeInstanceOf(StageDiskFullError);
    expect(e.code).toBe('BAQUP_STAGE_DISK_FULL');
    expect(e.retryable).toBe(false);
    expect(isDiskFull({ code: e.code })).toBe(true);
  });
  it.each(['EACCES', 'EROFS', 'EIO'])('%s is a retryable write failure', (code) => {
    const e = toWriteError('/s/x', errno(code));
    expect(e).toBeInstanceOf(StageWriteError);
    expect(e.retryable).toBe(true);
    expect(e.message).toContain(code);
    expect(isDiskFull(e)).toBe(false);
  });
  it('keeps upstream baqup errors and wraps others', () => {
    const upstream = new BaqupError('BAQUP_PROC_FAILED', 'zstd exited with code 1');
    expect(toInputError(upstream)).toBe(upstream);
    expect(toInputError(new Error('x')).code).toBe('BAQUP_STAGE_INPUT_FAILED');
  });
});
