import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import type { Compression } from '@baqup/core';
import { membersOf, ProcessFailedError } from '@baqup/proc';
import { compressStream } from './compress-stream.js';
import { createDecompressor } from './create-compressor.js';

const running = (pgid: number) => membersOf(pgid).filter((m) => m.state !== 'Z');
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition never became true');
}

/** SQL-like lines (compressible but not trivially) from a seeded PRNG, in chunks of 500 lines like a dump pipe. */
function sqlLines(count: number): Buffer[] {
  let s = 7;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const out: Buffer[] = [];
  let lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(`INSERT INTO t VALUES (${i}, 'user${Math.floor(rnd() * 1e6)}', ${rnd().toFixed(6)});\n`);
    if (lines.length === 500 || i === count - 1) {
      out.push(Buffer.from(lines.join('')));
      lines = [];
    }
  }
  return out;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A readable that yields `chunks`, then fails with `error` instead of ending. */
function failingAfter(chunks: Buffer[], error: Error): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks.length) this.push(chunks[i++]);
      else setImmediate(() => this.destroy(error));
    },
  });
}

describe.each<Compression>(['gzip', 'zstd', 'none'])('compressStream(%s)', (kind) => {
  it('round-trips through the matching decompressor', async () => {
    const lines = sqlLines(100_000);
    const original = Buffer.concat(lines);
    const compressed = await collect(compressStream(Readable.from(lines), kind));
    if (kind !== 'none') expect(compressed.length).toBeLessThan(original.length / 2);
    const restored = await collect(Readable.from([compressed]).pipe(createDecompressor(kind)));
    expect(createHash('sha256').update(restored).digest('hex')).toBe(createHash('sha256').update(original).digest('hex'));
  });

  it('destroys the output with the input error', async () => {
    const boom = Object.assign(new Error('pg_dump exited with code 1'), { code: 'BAQUP_DUMP_FAILED' });
    const out = compressStream(failingAfter(sqlLines(20_000), boom), kind);
    let ended = false;
    out.on('end', () => (ended = true));
    await expect(collect(out)).rejects.toBe(boom);
    expect(ended).toBe(false);
  });
});

describe('compressStream(zstd) processes', () => {
  it('kills the zstd group when the input fails', async () => {
    const input = new Readable({ read() {} });
    const out = compressStream(input, 'zstd');
    const pid = (out as unknown as { child: { pid: number } }).child.pid;
    input.push(Buffer.concat(sqlLines(1000)));
    await waitFor(() => running(pid).length === 1);
    const failed = collect(out).catch((e: unknown) => e);
    input.destroy(new Error('dump failed'));
    expect(await failed).toHaveProperty('message', 'dump failed');
    await waitFor(() => running(pid).length === 0);
  });

  it('destroys the input when the consumer gives up (stage failed)', async () => {
    const input = new Readable({ read() {} });
    input.push(Buffer.alloc(1024, 65));
    const out = compressStream(input, 'zstd');
    const pid = (out as unknown as { child: { pid: number } }).child.pid;
    out.on('error', () => undefined);
    out.destroy(new Error('ENOSPC'));
    await new Promise((r) => input.once('close', r));
    expect(input.destroyed).toBe(true);
    await waitFor(() => running(pid).length === 0);
  });

  it('reports a failing zstd binary as the output error', async () => {
    // `zstd -d` on data that is not zstd: a real compressor-side failure.
    const out = Readable.from([Buffer.from('definitely not zstd')]).pipe(createDecompressor('zstd'));
    await expect(pipeline(out, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toBeInstanceOf(ProcessFailedError);
  });

  it('gunzip rejects a truncated file', async () => {
    const gz = await collect(compressStream(Readable.from(sqlLines(10_000)), 'gzip'));
    const truncated = gz.subarray(0, gz.length - 100);
    await expect(collect(Readable.from([truncated]).pipe(createDecompressor('gzip')))).rejects.toThrow();
  });
});
