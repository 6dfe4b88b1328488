import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { processDuplex } from './process-duplex.js';
import { membersOf } from './process-group.js';
import { ProcessFailedError, ProcessSpawnError } from './errors.js';

const running = (pgid: number) => membersOf(pgid).filter((m) => m.state !== 'Z');
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition never became true');
}

/** Pseudo-random but reproducible chunks, produced only when asked for (so backpressure is visible). */
function producer(totalBytes: number, counter: { produced: number }): Readable {
  let seed = 42;
  return new Readable({
    read() {
      if (counter.produced >= totalBytes) return void this.push(null);
      const chunk = Buffer.alloc(64 * 1024);
      for (let i = 0; i < chunk.length; i += 4) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        chunk.writeUInt32LE(seed, i);
      }
      counter.produced += chunk.length;
      this.push(chunk);
    },
  });
}

describe('processDuplex', () => {
  it('streams stdin to stdout with backpressure and ends after exit 0', async () => {
    const total = 32 * 1024 * 1024;
    const counter = { produced: 0 };
    let consumed = 0;
    let maxInFlight = 0;
    const inHash = createHash('sha256');
    const outHash = createHash('sha256');
    const source = producer(total, counter);
    source.on('data', (c: Buffer) => inHash.update(c));
    // A slow consumer: every chunk waits a macrotask, so the producer must be held back.
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        consumed += chunk.length;
        outHash.update(chunk);
        maxInFlight = Math.max(maxInFlight, counter.produced - consumed);
        setImmediate(cb);
      },
    });
    const cat = processDuplex({ command: 'cat' });
    await pipeline(source, cat, sink);
    expect(consumed).toBe(total);
    expect(outHash.digest('hex')).toBe(inHash.digest('hex'));
    // Pipe buffers (~64 KiB each way) plus stream high-water marks: a few MiB at most, never the 32 MiB.
    expect(maxInFlight).toBeLessThan(4 * 1024 * 1024);
  });

  it('errors (and never ends) when the child exits non-zero', async () => {
    const dup = processDuplex({ command: 'sh', args: ['-c', 'cat >/dev/null; echo "disk on fire" >&2; exit 2'] });
    let ended = false;
    dup.on('end', () => (ended = true));
    const err = await pipeline(Readable.from([Buffer.from('abc')]), dup, new Writable({ write: (_c, _e, cb) => cb() })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessFailedError);
    expect((err as Error).message).toContain('disk on fire');
    expect(ended).toBe(false);
  });

  it('errors when the child exits 0 without taking all its input', async () => {
    const dup = processDuplex({ command: 'sh', args: ['-c', 'head -c 10 >/dev/null'] });
    const big = Readable.from((function* () {
      for (let i = 0; i < 256; i++) yield Buffer.alloc(64 * 1024, 1);
    })());
    await expect(pipeline(big, dup, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toBeInstanceOf(ProcessFailedError);
  });

  it('kills the whole group when destroyed', async () => {
    const dup = processDuplex({ command: 'sh', args: ['-c', 'sleep 100 & cat'] });
    const pid = dup.child.pid;
    await waitFor(() => running(pid).length === 3); // sh, sleep, cat
    const errored = new Promise((r) => dup.once('error', r));
    dup.destroy(new Error('input failed'));
    expect(await errored).toHaveProperty('message', 'input failed');
    await waitFor(() => running(pid).length === 0);
  });

  it('is destroyed with ProcessSpawnError when the binary is missing', async () => {
    const dup = processDuplex({ command: '/nonexistent/zstd' });
    const err = await new Promise((r) => dup.once('error', r));
    expect(err).toBeInstanceOf(ProcessSpawnError);
  });
});
