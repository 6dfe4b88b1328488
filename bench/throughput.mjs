#!/usr/bin/env node
// Issue #4: dump throughput of the REAL controller process against the plain shell pipelines, in the same run.
//
// Data: a PostgreSQL database (`shop`, grown to --pg-mb of pg_database_size with seeded generate_series rows:
// numbers, timestamps, enums, e-mails, free text, md5 tokens) and a filesystem tree of --fs-mb (half seeded text
// logs and small files, half /dev/urandom), both generated inside containers under --work (bind mounts).
//
// Measured, alternately, best of --runs (the 2 cores are shared; load average is printed per row):
//   shell  `docker exec -e PGPASSWORD c pg_dumpall <the controller's argv> | {cat|gzip -6|zstd -3 -T1} > f`
//          `docker cp c:/data - | {cat|gzip -6|zstd -3 -T1} > f`
//   baqup  POST /api/backups {wait:true} to apps/controller/dist/main.js for targets compress=none|gzip|zstd,
//          timed from its job.started line to its `backup staged` line (dump → compress → write + sha256 +
//          fsync + rename); the upload to the remote dir (same disk, rclone) is reported separately.
// Raw dump bytes are measured once per data set with `| wc -c`; every MB/s is raw MB per second.
// Peak RSS: the controller's VmHWM, reset (clear_refs) before each job — the zstd/rclone children are not in it.
//
//   node bench/throughput.mjs [--runs 2] [--pg-mb 1024] [--fs-mb 2048] [--only pg|fs] [--variants shell-zstd,baqup-zstd]
//                             [--work /tmp/baqup-bench] [--keep] [--setup-only] [--cpu-prof DIR] [--ctl-node-args FLAGS] [--pg-image TAG] [--fs-image TAG]
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startController } from './lib/controller.mjs';
import { filesDataset, postgresDataset } from './lib/datasets.mjs';
import { newestTag, remove, until } from './lib/docker.mjs';
import { controllerRun, shellRun } from './lib/measure.mjs';
import { loadAvg } from './lib/proc.mjs';
import { sh } from './lib/shell.mjs';
import { fixed, markdownTable, mb, mbps, mib } from './lib/table.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    'pg-mb': { type: 'string', default: '1024' },
    'fs-mb': { type: 'string', default: '2048' },
    only: { type: 'string' },
    variants: { type: 'string' },
    work: { type: 'string', default: '/tmp/baqup-bench' },
    keep: { type: 'boolean', default: false },
    /** Generate (or check) the data sets and leave them for later runs with --keep; measures nothing. */
    'setup-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    /** Extra node flags for the controller, e.g. --ctl-node-args=--max-semi-space-size=1 (space-separated). */
    'ctl-node-args': { type: 'string' },
    'pg-image': { type: 'string' },
    'fs-image': { type: 'string' },
  },
});
const RUNS = Number(opt.runs);
const WORK = resolve(opt.work);
const log = (m) => process.stderr.write(`${m}\n`);
// Another --work gets its own containers, so a small trial run never picks up (or grows) the big data sets.
const SUFFIX = WORK === '/tmp/baqup-bench' ? '' : `-${createHash('sha1').update(WORK).digest('hex').slice(0, 6)}`;
const PG = `baqup-bench-pg${SUFFIX}`;
const FS = `baqup-bench-fs${SUFFIX}`;
// Stable across --keep runs: the container keeps the password its data dir was initialised with.
const PG_PASSWORD = process.env.BAQUP_BENCH_PG_PASSWORD ?? 'bench-pg-password';
const COMPRESSORS = { none: 'cat', gzip: 'gzip -6', zstd: 'zstd -q -3 -T1' };
const INSTANCE = { none: 'plain', gzip: 'gzip', zstd: 'zstd' };
const wanted = (v) => !opt.variants || opt.variants.split(',').includes(v);

function targetLabels(type, extra) {
  const labels = { 'backup.enabled': 'true' };
  for (const [kind, inst] of Object.entries(INSTANCE)) {
    labels[`backup.${type}.${inst}.compress`] = kind;
    for (const [k, v] of Object.entries(extra)) labels[`backup.${type}.${inst}.${k}`] = v;
  }
  return labels;
}

/** Dump sources: the shell's producer command (same argv as the engine's) and the controller's container/target. */
const SOURCES = {
  pg: {
    container: PG,
    type: 'postgres',
    producer: `docker exec -e PGPASSWORD -e PGCONNECT_TIMEOUT=15 ${PG} pg_dumpall -U postgres -h 127.0.0.1 -p 5432 --clean --if-exists`,
    inside: `docker exec -e PGPASSWORD ${PG} sh -c 'pg_dumpall -U postgres -h 127.0.0.1 -p 5432 --clean --if-exists | wc -c'`,
    env: { PGPASSWORD: PG_PASSWORD },
  },
  fs: {
    container: FS,
    type: 'fs',
    producer: `docker cp ${FS}:/data -`,
    inside: `docker exec ${FS} sh -c 'tar -C / -cf - data | wc -c'`,
    env: {},
  },
};

async function measureSource(key, ctl) {
  const src = SOURCES[key];
  const best = {};
  // Best wall time and best CPU time are kept separately (each the minimum over the runs).
  const keep = (name, r) => {
    const b = best[name];
    if (!b || r.ms < b.ms) best[name] = { ...r, cpuMs: Math.min(r.cpuMs, b?.cpuMs ?? Infinity), hwmKb: Math.max(r.hwmKb || 0, b?.hwmKb || 0) };
    else best[name] = { ...b, cpuMs: Math.min(r.cpuMs, b.cpuMs), hwmKb: Math.max(r.hwmKb || 0, b.hwmKb || 0) };
    const extra = r.hwmKb ? `, peak RSS ${mib(r.hwmKb)} MiB, with upload ${(r.totalMs / 1000).toFixed(1)} s` : '';
    log(`  ${key} ${name}: ${(r.ms / 1000).toFixed(1)} s, CPU ${(r.cpuMs / 1000).toFixed(1)} s, ${mb(r.size)} MB, load ${r.load}${extra}`);
  };
  const out = join(WORK, 'out');
  mkdirSync(out, { recursive: true });
  for (let run = 1; run <= RUNS; run++) {
    log(`${key}: run ${run}/${RUNS}`);
    keep('raw (wc -c)', await shellRun(`${src.producer} | wc -c`, undefined, src.env));
    if (wanted('inside')) keep('inside container (wc -c)', await shellRun(src.inside, undefined, src.env));
    for (const kind of ['none', 'gzip', 'zstd']) {
      if (wanted(`shell-${kind}`)) keep(`shell ${kind}`, await shellRun(`${src.producer} | ${COMPRESSORS[kind]} > ${out}/${key}-${kind}`, `${out}/${key}-${kind}`, src.env));
      if (wanted(`baqup-${kind}`)) keep(`baqup ${kind}`, await controllerRun(ctl, src.container, `${src.type}-${INSTANCE[kind]}`));
    }
  }
  return best;
}

function report(key, best) {
  const raw = best['raw (wc -c)'].size;
  const seeds = best['shell gzip'];
  const rows = [];
  for (const [name, r] of Object.entries(best)) {
    const [side, kind] = name.split(' ');
    const own = side === 'baqup' ? best[`shell ${kind}`] : undefined;
    const isRef = !COMPRESSORS[kind];
    rows.push([
      name === 'shell gzip' ? '**shell gzip -6 (seeds)**' : side === 'shell' && !isRef ? `shell ${COMPRESSORS[kind]}` : name,
      (r.ms / 1000).toFixed(1),
      mbps(raw, r.ms),
      isRef ? '–' : mb(r.size),
      isRef ? '–' : fixed(raw / r.size),
      seeds && !isRef ? `${fixed(seeds.ms / r.ms)}×` : '–',
      seeds && !isRef ? fixed(r.size / seeds.size, 3) : '–',
      own ? fixed(own.ms / r.ms) : '–',
      (r.cpuMs / 1000).toFixed(1),
      mbps(raw, r.cpuMs),
      own ? fixed(own.cpuMs / r.cpuMs) : '–',
      r.hwmKb ? mib(r.hwmKb) : '–',
      r.totalMs ? (r.totalMs / 1000).toFixed(1) : '–',
      String(r.load),
    ]);
  }
  const header = ['pipeline', 'wall s', 'raw MB/s', 'output MB', 'ratio', 'speed vs seeds', 'size vs seeds', 'speed vs own shell', 'host CPU s', 'raw MB per CPU-s', 'CPU efficiency vs own shell', 'ctl peak RSS MiB', 'job s with upload', 'load'];
  return `### ${key === 'pg' ? `PostgreSQL, raw dump ${mb(raw)} MB` : `filesystem, raw tar ${mb(raw)} MB`}\n\n${markdownTable(header, rows)}\n`;
}

async function main() {
  log(`df before:\n${await sh(['df', '-h', '/work', '/tmp'])}`);
  mkdirSync(WORK, { recursive: true });
  const only = opt.only ? opt.only.split(',') : ['pg', 'fs'];
  const sets = {};
  if (only.includes('pg')) {
    const image = opt['pg-image'] ?? (await newestTag('baqup-e2e/postgres'));
    sets.pg = await postgresDataset({ name: PG, image, dir: join(WORK, 'pgdata'), password: PG_PASSWORD, labels: targetLabels('postgres', { password_env: 'POSTGRES_PASSWORD', databases: 'all' }), targetMb: Number(opt['pg-mb']), log });
    log(`postgres ready (${image}): database shop ${mb(sets.pg.bytes)} MB, ${sets.pg.rows} rows`);
  }
  if (only.includes('fs')) {
    const image = opt['fs-image'] ?? (await newestTag('baqup-e2e/base'));
    sets.fs = await filesDataset({ name: FS, image, dir: join(WORK, 'fs'), labels: targetLabels('fs', { path: '/data' }), targetMb: Number(opt['fs-mb']), log });
    log(`fs ready (${image}): ${mb(sets.fs.bytes)} MB under /data`);
  }
  if (opt['setup-only']) return;
  const ctlDir = join(WORK, 'ctl');
  rmSync(ctlDir, { recursive: true, force: true });
  const ctl = await startController({
    main: join(root, 'apps/controller/dist/main.js'),
    dir: ctlDir,
    // A schedule that cannot fire during the bench (1 January): only our API calls start jobs.
    config: { defaults: { schedules: { bench: { cron: '0 0 1 1 *', retention: 100 } }, target: { schedule: 'bench' } }, staging: { cleanup_after_upload: false } },
    nodeArgs: [...(opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(opt['cpu-prof'])] : []), ...(opt['ctl-node-args']?.split(' ').filter(Boolean) ?? [])],
  });
  const sections = [];
  const results = {};
  try {
    await until(async () => {
      const list = (await ctl.get('/api/containers')).body ?? [];
      return Object.keys(sets).every((k) => list.some((c) => c.name === SOURCES[k].container && c.targets.length === 3));
    }, 30_000, 'the controller to discover the bench containers');
    for (const key of Object.keys(sets)) {
      results[key] = await measureSource(key, ctl);
      sections.push(report(key, results[key]));
    }
  } finally {
    await ctl.stop();
  }
  const header = `Node ${process.version}, ${(await sh(['nproc'])).trim()} cores, load average at the end ${loadAvg()}, best of ${RUNS}.`;
  const text = `${header}\n\n${sections.join('\n')}`;
  console.log(text);
  mkdirSync(join(root, 'bench/.out'), { recursive: true });
  writeFileSync(join(root, 'bench/.out', `throughput-${Date.now()}.json`), JSON.stringify({ sets, results }, null, 2));
}

async function cleanup() {
  if (opt.keep || opt['setup-only']) return log(`--keep: containers ${PG}, ${FS} and ${WORK} left in place`);
  await remove(PG, FS);
  rmSync(WORK, { recursive: true, force: true });
  log(`removed ${PG}, ${FS} and ${WORK}`);
}

main()
  .catch((err) => {
    process.exitCode = 1;
    log(err.stack ?? String(err));
  })
  .finally(cleanup);
