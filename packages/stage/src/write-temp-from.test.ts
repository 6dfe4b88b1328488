// A compressor that writes the staged file itself (CompressedJob.writeTo): stage hands it the temp file's descriptor
// and hashes the file as it grows. Real files and real writes on the descriptor, in bursts with pauses, so the
// follower catches up with the writer and waits; the hash is checked against sha256sum of the published file.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { ftruncate, mkdtempSync, readdirSync, readFileSync, rmSync, write } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaqupError, type CompressedJob } from '@baqup/core';
import { stageJob } from './stage-job.js';
import { backupJob, bytes, compressedJob } from './__fixtures__/jobs.js';
import { StageDiskFullError, StageInputError, StageWriteError } from './errors.js';

const writeFd = promisify(write);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baqup-stage-from-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const dir = (r = root) => join(r, 'nextcloud', 'postgres-main');

/** A job whose "compressor" writes `chunks` on the descriptor, pausing every few, then settles as `end` says. */
function writingJob(chunks: Buffer[], end: (fd: number) => Promise<void> = async () => undefined, job = backupJob()): CompressedJob & { input: PassThrough; calls: number[] } {
  const input = new PassThrough();
  const calls: number[] = [];
  return {
    ...compressedJob(input, job, 'zstd'),
    input,
    calls,
    writeTo: async (fd, signal) => {
      calls.push(fd);
      for (let i = 0; i < chunks.length; i++) {
        if (signal.aborted) throw new Error('aborted');
        await writeFd(fd, chunks[i]!);
        if (i % 4 === 3) await sleep(15);
      }
      await end(fd);
    },
  };
}

describe('stageJob with a compressor that writes the file itself', () => {
  it('publishes what it wrote with the sha256 and size of the file, and reports the bytes as they land', async () => {
    const data = bytes(3_000_000, 5);
    const seen: Array<[string, number]> = [];
    const job = writingJob(data);
    const staged = await stageJob(job, { root, onBytes: (id, n) => seen.push([id, n]) });
    expect(job.calls).toHaveLength(1);
    const file = join(dir(), '20240115T030000Z.sql.zst');
    const content = readFileSync(file);
    expect(content.equals(Buffer.concat(data))).toBe(true);
    expect(staged.manifest).toMatchObject({ size: 3_000_000, sha256: sha(content), compression: 'zstd' });
    expect(execFileSync('sha256sum', ['-c', '20240115T030000Z.sql.zst.sha256'], { cwd: dir() }).toString()).toContain(': OK');
    // Read back while it grew: several reports, increasing, ending at the file's size.
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every(([id]) => id === 'job-1')).toBe(true);
    const totals = seen.map(([, n]) => n);
    expect([...totals].sort((a, b) => a - b)).toEqual(totals);
    expect(totals.at(-1)).toBe(3_000_000);
    expect(readdirSync(dir()).filter((n) => n.startsWith('.') && n !== '.last-timestamp')).toEqual([]);
  });

  it('keeps the dump\'s failure as the job\'s error, removes the file and destroys the input', async () => {
    const dumpFailed = new BaqupError('BAQUP_DUMP_FAILED', 'pg_dump exited with code 1');
    const job = writingJob(bytes(500_000), () => Promise.reject(dumpFailed));
    expect(await stageJob(job, { root }).catch((e: unknown) => e)).toBe(dumpFailed);
    expect(readdirSync(dir())).toEqual([]);
    expect(job.input.destroyed).toBe(true);
  });

  it('wraps a plain failure of the compressor as the stage\'s input failure', async () => {
    const job = writingJob(bytes(10_000), () => Promise.reject(new Error('the dump stream closed before its end')));
    const err = await stageJob(job, { root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageInputError);
    expect(readdirSync(dir())).toEqual([]);
  });

  it('maps the compressor\'s ENOSPC to disk full with the bytes written', async () => {
    const job = writingJob(bytes(200_000), () => Promise.reject(Object.assign(new Error('ENOSPC: zstd could not write'), { code: 'ENOSPC' })));
    const err = await stageJob(job, { root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageDiskFullError);
    expect((err as StageDiskFullError).context).toMatchObject({ written: 200_000 });
    expect(readdirSync(dir())).toEqual([]);
  });

  it('refuses a file that does not end as the bytes read back (written behind the follower\'s back)', async () => {
    // Truncating after the follower read it: what was hashed is no longer the file.
    const job = writingJob(bytes(100_000), async (fd) => {
      await sleep(50);
      await promisify(ftruncate)(fd, 10);
    });
    const err = await stageJob(job, { root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageWriteError);
    expect(((err as Error).cause as Error).message).toContain('read back');
    expect(readdirSync(dir())).toEqual([]);
  });
});

// ENOSPC for real: a 1 MiB tmpfs (needs root and mount; skipped, visibly, where neither is allowed).
function mountTinyTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const mnt = mkdtempSync(join(tmpdir(), 'baqup-from-full-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]).status === 0) return mnt;
  rmSync(mnt, { recursive: true, force: true });
  return undefined;
}
const tinyFs = mountTinyTmpfs();

describe.skipIf(!tinyFs)('a compressor writing the file itself on a full disk (1 MiB tmpfs)', () => {
  afterAll(() => {
    spawnSync('umount', [tinyFs!]);
    rmSync(tinyFs!, { recursive: true, force: true });
  });
  it('fails with BAQUP_STAGE_DISK_FULL and leaves nothing', async () => {
    // The write's own ENOSPC, passed on as zstd's would be.
    const job = writingJob(bytes(4_000_000, 9));
    const err = await stageJob(job, { root: tinyFs! }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageDiskFullError);
    expect(readdirSync(dir(tinyFs!))).toEqual([]);
    expect(job.input.destroyed).toBe(true);
  });
});
