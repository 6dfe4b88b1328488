import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DemuxStream, encodeFrame } from './demux.js';

async function run(chunks: Buffer[]): Promise<{ out: string; err: string }> {
  const err: Buffer[] = [];
  const out: Buffer[] = [];
  const demux = new DemuxStream({ onStderr: (c) => err.push(Buffer.from(c)) });
  await pipeline(
    Readable.from(chunks),
    demux,
    new Writable({
      write(c: Buffer, _e, cb) {
        out.push(c);
        cb();
      },
    }),
  );
  return { out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

const stream = Buffer.concat([
  encodeFrame(1, Buffer.from('hello ')),
  encodeFrame(2, Buffer.from('warning: x\n')),
  encodeFrame(1, Buffer.alloc(0)),
  encodeFrame(1, Buffer.from('world')),
  encodeFrame(2, Buffer.from('done')),
]);

describe('DemuxStream', () => {
  it('separates stdout and stderr', async () => {
    expect(await run([stream])).toEqual({ out: 'hello world', err: 'warning: x\ndone' });
  });

  it('gives the same result for a split at every byte boundary', async () => {
    for (let i = 0; i <= stream.length; i++) {
      const r = await run([stream.subarray(0, i), stream.subarray(i)]);
      expect(r, `split at ${i}`).toEqual({ out: 'hello world', err: 'warning: x\ndone' });
    }
  });

  it('gives the same result fed byte by byte', async () => {
    expect(await run([...stream].map((b) => Buffer.from([b])))).toEqual({ out: 'hello world', err: 'warning: x\ndone' });
  });

  it('fails on a header that cannot be a frame (misaligned or TTY stream)', async () => {
    await expect(run([Buffer.from('plain text output, no frames')])).rejects.toMatchObject({ code: 'BAQUP_DOCKER_STREAM' });
  });

  it('fails when the stream ends inside a frame', async () => {
    await expect(run([stream.subarray(0, stream.length - 2)])).rejects.toMatchObject({ code: 'BAQUP_DOCKER_STREAM' });
  });

  it('stops reading its source while the consumer is slow (bounded buffering)', async () => {
    const frame = 32 * 1024;
    const total = 16 * 1024 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const source = new Readable({
      highWaterMark: 16 * 1024,
      read() {
        if (produced >= total) return void this.push(null);
        produced += frame;
        this.push(encodeFrame(1, Buffer.alloc(frame, 0x61)));
      },
    });
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(c: Buffer, _e, cb) {
        consumed += c.length;
        maxAhead = Math.max(maxAhead, produced - consumed);
        setImmediate(cb); // a consumer slower than the producer
      },
    });
    await pipeline(source, new DemuxStream(), slow);
    expect(consumed).toBe(total);
    // Without backpressure the source would run ahead by ~all 16 MiB; with it, by a few buffers' worth.
    expect(maxAhead).toBeLessThan(512 * 1024);
  });
});
