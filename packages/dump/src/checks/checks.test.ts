import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { countTar, tarCounter } from './tar-count.js';
import { parseCountLines } from './runner.js';
import { parseKeyspace } from './redis.js';
import { pgCountSql } from './postgres.js';

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: 'config/', type: 'directory' });
  for (const [name, body] of Object.entries(files)) pack.entry({ name: `config/${name}` }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('drill checks', () => {
  it('parses count lines, marking estimates', () => {
    expect(parseCountLines('public.a\t3\tf\npublic.big\t2000000\tt\n\n')).toEqual({ 'public.a': { rows: 3 }, 'public.big': { rows: 2_000_000, estimated: true } });
  });

  it('parses INFO keyspace', () => {
    expect(parseKeyspace('# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\ndb2:keys=10,expires=0,avg_ttl=0\r\n')).toEqual({ db0: { keys: 3, expires: 1 }, db2: { keys: 10, expires: 0 } });
  });

  it('counts exactly when the limit is infinite (drill time)', () => {
    expect(pgCountSql(Infinity)).toContain('NULL IS NOT NULL');
    expect(pgCountSql(1_000_000)).toContain('c.reltuples > 1000000');
  });

  it('counts the files of a tar as it passes, bytes unchanged', async () => {
    const bytes = await tarOf({ a: 'hello', b: '', c: 'x'.repeat(5000) });
    const counter = tarCounter();
    const out: Buffer[] = [];
    await pipeline(Readable.from([bytes.subarray(0, 700), bytes.subarray(700)]), counter.tap, async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) out.push(c);
    });
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    expect(await counter.result).toEqual({ count: 3, bytes: 5005 });
    expect(await countTar(Readable.from([bytes]))).toEqual({ count: 3, bytes: 5005 });
  });

  it('a dump destroyed in the middle of an entry (an aborted job) gives a failed count, never an unhandled error', async () => {
    const bytes = await tarOf({ a: 'x'.repeat(50_000) });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const counter = tarCounter();
      counter.tap.on('error', () => {});
      counter.tap.resume();
      // The header and part of the entry's body, then the stream is destroyed as an abort does.
      await new Promise<void>((resolve) => counter.tap.write(bytes.subarray(0, 4096), () => resolve()));
      counter.tap.destroy(new Error('job aborted'));
      expect(await counter.result).toEqual({ error: 'the archive stream ended early' });
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('a truncated tar does not count as whole', async () => {
    const bytes = await tarOf({ a: 'x'.repeat(5000) });
    await expect(countTar(Readable.from([bytes.subarray(0, 2000)]))).rejects.toThrow();
  });
});
