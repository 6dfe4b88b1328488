// zstd writing a real file through its descriptor: what lands decompresses to the input, a failed input kills zstd
// (never a valid frame of a truncated dump), a full filesystem is reported as ENOSPC, an abort ends input and zstd.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { liveGroups, ProcessAbortedError } from '@baqup/proc';
import { zstdToFile } from './zstd-to-file.js';

const zstd = { level: 3, threads: 1, command: 'zstd' };
const dirs: string[] = [];
const fds: number[] = [];
function tempFile(given?: string): { path: string; fd: number } {
  const dir = given ?? mkdtempSync(join(tmpdir(), 'baqup-zstd-file-'));
  if (!given) dirs.push(dir);
  const path = join(dir, 'out.zst');
  const fd = openSync(path, 'wx+', 0o600);
  fds.push(fd);
  return { path, fd };
}
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Seeded text lines in 16 KiB-ish chunks, like an exec stream. */
function lines(count: number): Buffer[] {
  let s = 11;
  const out: Buffer[] = [];
  const batch: string[] = [];
  for (let i = 0; i < count; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    batch.push(`INSERT INTO t VALUES (${i}, 'u${s % 100000}', ${(s / 2 ** 32).toFixed(5)});\n`);
    if (batch.length === 300) out.push(Buffer.from(batch.splice(0).join('')));
  }
  if (batch.length) out.push(Buffer.from(batch.join('')));
  return out;
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const zstdAlive = () => liveGroups().filter((g) => g.command === 'zstd').length;
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition never became true');
}

describe('zstdToFile', () => {
  it('writes a zstd file that decompresses to the input, with nothing of it through Node', async () => {
    const input = lines(50_000);
    const { path, fd } = tempFile();
    await zstdToFile(Readable.from(input), fd, new AbortController().signal, zstd);
    const stored = readFileSync(path);
    expect(stored.length).toBeLessThan(Buffer.concat(input).length / 2);
    const back = spawnSync('zstd', ['-d', '-c', '-q'], { input: stored, maxBuffer: 1 << 28 });
    expect(back.status).toBe(0);
    expect(sha(back.stdout)).toBe(sha(Buffer.concat(input)));
    expect(zstdAlive()).toBe(0);
  });

  it('rejects with the dump error, kills zstd, and destroys nothing else', async () => {
    const boom = Object.assign(new Error('pg_dump exited with code 1'), { code: 'BAQUP_DUMP_FAILED' });
    const chunks = lines(5000);
    let i = 0;
    const input = new Readable({
      read() {
        if (i < chunks.length) this.push(chunks[i++]);
        else setTimeout(() => this.destroy(boom), 50);
      },
    });
    const { fd } = tempFile();
    const done = zstdToFile(input, fd, new AbortController().signal, zstd);
    await waitFor(() => zstdAlive() === 1);
    await expect(done).rejects.toBe(boom);
    expect(zstdAlive()).toBe(0);
  });

  it('treats an input that closes before its end as failed, not as a complete dump', async () => {
    const input = new Readable({ read() {} });
    input.push(Buffer.concat(lines(1000)));
    const { fd } = tempFile();
    const done = zstdToFile(input, fd, new AbortController().signal, zstd);
    await waitFor(() => zstdAlive() === 1);
    input.destroy();
    await expect(done).rejects.toThrow('the dump stream closed before its end');
    expect(zstdAlive()).toBe(0);
  });

  it('an abort kills zstd and ends the input', async () => {
    const input = new Readable({ read() {} });
    input.push(Buffer.alloc(1024, 65));
    const { fd } = tempFile();
    const abort = new AbortController();
    const done = zstdToFile(input, fd, abort.signal, zstd);
    await waitFor(() => zstdAlive() === 1);
    abort.abort();
    await expect(done).rejects.toBeInstanceOf(ProcessAbortedError);
    expect(input.destroyed).toBe(true);
    expect(zstdAlive()).toBe(0);
  });
});

// ENOSPC for real: a 1 MiB tmpfs (needs root and mount; skipped, visibly, where neither is allowed).
function mountTinyTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const mnt = mkdtempSync(join(tmpdir(), 'baqup-zstd-full-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]).status === 0) return mnt;
  rmSync(mnt, { recursive: true, force: true });
  return undefined;
}
const tinyFs = mountTinyTmpfs();

describe.skipIf(!tinyFs)('zstdToFile on a full filesystem (1 MiB tmpfs)', () => {
  afterAll(() => {
    spawnSync('umount', [tinyFs!]);
    rmSync(tinyFs!, { recursive: true, force: true });
  });
  it('rejects with an ENOSPC error naming zstd, and stops the input', async () => {
    let produced = 0;
    const input = new Readable({
      read() {
        // Incompressible, so zstd's output outgrows the filesystem.
        const b = randomBytes(64 * 1024);
        produced += b.length;
        this.push(b);
      },
    });
    const { path, fd } = tempFile(tinyFs!);
    onTestFinished(() => rmSync(path, { force: true }));
    const err = await zstdToFile(input, fd, new AbortController().signal, zstd).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOSPC' });
    expect((err as Error).message).toContain('zstd');
    expect(input.destroyed).toBe(true);
    expect(produced).toBeLessThan(16 * 1024 * 1024);
    expect(zstdAlive()).toBe(0);
  });
});
