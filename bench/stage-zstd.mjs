#!/usr/bin/env node
// Issue 18: zstd writing the staged file itself (CompressedJob.writeTo) against the Duplex path it replaced (zstd's
// stdout piped back through Node into stage's writeTemp), with Docker out of the picture: the same file is read
// (64 KiB chunks, as a stream arrives), compressed with zstd -3 -T1, staged by the real `stage` operator (temp file,
// sha256, fsync, publish, manifest). Alternating, best of --runs. CPU = this process (user+sys) plus its reaped
// children (zstd), from /proc/self/stat; the shell's `zstd -3 -T1 < in > out` is the floor.
//
//   pnpm exec turbo run build --filter=@baqup/stage... --filter=@baqup/compress...
//   node bench/stage-zstd.mjs --input FILE [--runs 3]
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { compress, compressStream } from '../packages/compress/dist/index.js';
import { stage } from '../packages/stage/dist/index.js';

// rxjs as the stage packages resolve it (the bench package does not depend on it).
const { firstValueFrom, of } = createRequire(new URL('../packages/stage/package.json', import.meta.url))('rxjs');

const { values: opt } = parseArgs({ options: { input: { type: 'string' }, runs: { type: 'string', default: '3' } } });
if (!opt.input) throw new Error('--input FILE is required');
const size = statSync(opt.input).size;
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };

/** CPU ms of this process and of its reaped children, from /proc/self/stat (utime stime cutime cstime). */
function cpu() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const [ut, st, cut, cst] = [f[11], f[12], f[13], f[14]].map(Number);
  return { self: ((ut + st) * 1000) / TICK, children: ((cut + cst) * 1000) / TICK };
}

function job(stream) {
  const target = { type: 'fs', instance: 'data', schedule: 'daily', compress: 'zstd', timeoutSeconds: 3600, properties: {} };
  return {
    kind: 'dumped',
    job: {
      id: `bench-${Math.random()}`,
      trigger: 'manual',
      triggeredAt: new Date(),
      schedule: { name: 'daily', cron: '0 3 * * *', retention: {} },
      target,
      container: { containerId: 'c', containerName: 'bench', image: 'x', enabled: true, stop: false, schedules: {}, targets: [target], errors: [] },
    },
    stream,
    extension: 'tar',
    toolVersions: {},
    startedAt: new Date(),
  };
}

async function run(kind) {
  const root = mkdtempSync(join(tmpdir(), 'baqup-bench-stage-'));
  const input = createReadStream(opt.input, { highWaterMark: 64 * 1024 });
  const c0 = cpu();
  const t0 = performance.now();
  let compressed;
  if (kind === 'writeTo') compressed = await firstValueFrom(of(job(input)).pipe(compress()));
  else {
    // The path before: zstd as a Duplex whose stdout comes back through Node into writeTemp.
    const d = job(input);
    compressed = { ...d, kind: 'compressed', compression: 'zstd', extension: 'tar.zst', stream: compressStream(input, 'zstd', 3) };
  }
  const staged = await firstValueFrom(of(compressed).pipe(stage({ root, logger: silent })));
  const ms = performance.now() - t0;
  const c1 = cpu();
  if (staged.kind !== 'staged') throw new Error(`${kind}: ${JSON.stringify(staged.result.error)}`);
  rmSync(root, { recursive: true, force: true });
  return { ms, self: c1.self - c0.self, children: c1.children - c0.children, out: staged.manifest.size };
}

function shell() {
  const dir = mkdtempSync(join(tmpdir(), 'baqup-bench-stage-'));
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time (zstd -q -3 -T1 -c < '${opt.input}' > '${dir}/out')`], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const [real, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { ms: real * 1000, self: 0, children: (user + sys) * 1000, out: 0 };
}

const best = {};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
for (let i = 1; i <= Number(opt.runs); i++) {
  for (const kind of ['duplex', 'writeTo', 'shell']) {
    const r = kind === 'shell' ? shell() : await run(kind);
    const total = r.self + r.children;
    process.stderr.write(`run ${i} ${kind}: ${(r.ms / 1000).toFixed(2)} s, CPU node ${(r.self / 1000).toFixed(2)} s + zstd ${(r.children / 1000).toFixed(2)} s, load ${load()}\n`);
    const b = (best[kind] ??= { ms: Infinity, self: Infinity, children: Infinity, total: Infinity });
    b.ms = Math.min(b.ms, r.ms);
    if (total < b.total) Object.assign(b, { total, self: r.self, children: r.children });
  }
}
console.log(`input ${(size / 1e6).toFixed(1)} MB, best of ${opt.runs}, load at the end ${load()}\n`);
console.log('| path | wall s | raw MB/s | Node CPU s | zstd CPU s | total CPU s | vs shell CPU |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [kind, b] of Object.entries(best)) {
  const name = { duplex: 'before: zstd Duplex → Node → writeTemp', writeTo: 'after: zstd writes the file, stage reads it back', shell: 'shell `zstd -3 -T1 < in > out`' }[kind];
  console.log(`| ${name} | ${(b.ms / 1000).toFixed(2)} | ${(size / 1e3 / b.ms).toFixed(1)} | ${(b.self / 1000).toFixed(2)} | ${(b.children / 1000).toFixed(2)} | ${(b.total / 1000).toFixed(2)} | ${(best.shell.total / b.total).toFixed(2)} |`);
}
