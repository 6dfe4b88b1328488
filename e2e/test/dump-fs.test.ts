// @baqup/dump fs: the archive API's tar of a directory, rewritten without the excluded entries; extracted into
// a fresh container and compared file by file (sha256 of every file, symlinks, empty dirs) minus the excludes.
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startDump } from '@baqup/dump';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { dumpEnv, dumpToFile, makeJob, type Env } from './dump-fixtures.js';

useCleanup();

let env: Env;
let image: string;
let src: TestContainer;

const TREE = [
  'set -e; mkdir -p /config/sub/deeper /config/cache/deep /config/logs /config/empty',
  'echo one > /config/a.txt; echo two > /config/sub/b.txt; echo three > /config/sub/deeper/c.conf',
  'head -c 3000000 /dev/urandom > /config/sub/big.bin',
  'echo junk > /config/cache/x.bin; echo junk > /config/cache/deep/y.bin',
  'echo log > /config/top.log; echo log > /config/logs/app.log; echo keep > /config/logs/keep.txt',
  'ln -s sub/b.txt /config/link-to-b; echo dot > /config/.hidden',
].join('\n');

/** `<sha256> <path>` for every file, `L <path> -> <target>` for links, `D <path>` for dirs, under `dir`. */
const LIST = 'cd "$1" && { find . -type f -exec sha256sum {} +; find . -type l -printf "L %p -> %l\\n"; find . -type d -printf "D %p\\n"; } | sort';

async function listing(c: TestContainer, dir: string): Promise<string[]> {
  const r = await execIn(c, ['sh', '-c', LIST, 'list', dir]);
  expect(r.exitCode).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

async function tarNames(file: string): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  createReadStream(file).pipe(extract);
  for await (const entry of extract) {
    names.push(entry.header.name);
    entry.resume();
  }
  return names;
}

beforeAll(async () => {
  image = await ensureImage('base');
  env = await dumpEnv();
  src = await startContainer({ image, cmd: ['sleep', 'infinity'] });
  expect((await execIn(src, ['sh', '-c', TREE])).exitCode).toBe(0);
});

afterAll(async () => env?.dispose());

describe('fs dump', () => {
  it('archives the path without cache/* and *.log, and the tree extracts identically elsewhere', async () => {
    const file = join(env.dir, 'config.tar');
    const { dumped, data } = await dumpToFile(env.deps, makeJob(src, { type: 'fs', path: '/config', exclude: ['cache/*', '*.log'] }), file);
    expect(dumped.extension).toBe('tar');
    const names = await tarNames(file);
    expect(names).toContain('config/sub/big.bin');
    expect(names.filter((n) => n.includes('cache/') && n !== 'config/cache/')).toEqual([]);
    expect(names.filter((n) => n.endsWith('.log'))).toEqual([]);

    const fresh = await startContainer({ image, cmd: ['sleep', 'infinity'] });
    await execIn(fresh, ['mkdir', '-p', '/restore']);
    await fresh.container.putArchive(data, { path: '/restore' });
    const excluded = (line: string) => / \.\/cache\/.+/.test(line) || /\.log$/.test(line);
    const expected = (await listing(src, '/config')).filter((l) => !excluded(l));
    expect(expected.length).toBeGreaterThan(10);
    expect(await listing(fresh, '/restore/config')).toEqual(expected);
  });

  it('without excludes the archive holds everything', async () => {
    const file = join(env.dir, 'all.tar');
    await dumpToFile(env.deps, makeJob(src, { type: 'fs', path: '/config' }), file);
    const names = await tarNames(file);
    expect(names).toEqual(expect.arrayContaining(['config/cache/deep/y.bin', 'config/top.log', 'config/logs/app.log', 'config/link-to-b']));
  });

  it('a missing path fails with BAQUP_DUMP_SOURCE_MISSING', async () => {
    const err = await dumpToFile(env.deps, makeJob(src, { type: 'fs', path: '/nope' }), join(env.dir, 'nope.tar')).catch((e: Error & { code?: string }) => e);
    expect((err as { code?: string }).code).toBe('BAQUP_DUMP_SOURCE_MISSING');
  });

  it('streams 200 MB through the exclude rewrite to a stalled consumer with bounded memory', async () => {
    const c = await startContainer({ image, cmd: ['sleep', 'infinity'] });
    expect((await execIn(c, ['sh', '-c', 'mkdir -p /big/cache && head -c 209715200 /dev/urandom > /big/data.bin && echo x > /big/cache/skip'])).exitCode).toBe(0);
    const dumped = await startDump(env.deps, makeJob(c, { type: 'fs', path: '/big', exclude: ['cache/*'] }));
    const rss0 = process.memoryUsage().rss;
    let maxRss = rss0;
    let bytes = 0;
    let stalled = false;
    const t0 = Date.now();
    await pipeline(
      dumped.stream,
      new Writable({
        highWaterMark: 64 * 1024,
        write(chunk: Buffer, _e, cb) {
          bytes += chunk.length;
          maxRss = Math.max(maxRss, process.memoryUsage().rss);
          if (!stalled && bytes > 16 * 1024 * 1024) {
            // A slow upload or a full disk being waited on: without backpressure the archive would pile up here.
            stalled = true;
            setTimeout(() => cb(), 3000);
          } else cb();
        },
      }),
    );
    const secs = (Date.now() - t0) / 1000;
    console.log(`fs dump 200 MiB (3 s stall): rss delta max ${((maxRss - rss0) / 1048576).toFixed(1)} MiB, ${(bytes / 1048576 / secs).toFixed(0)} MiB/s incl. stall`);
    expect(bytes).toBeGreaterThan(209715200);
    expect(bytes).toBeLessThan(209715200 + 64 * 1024);
    expect(maxRss - rss0).toBeLessThan(100 * 1024 * 1024);
  });
});
