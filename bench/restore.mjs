#!/usr/bin/env node
// Time to restore: the PostgreSQL data set of bench/throughput.mjs (database `shop`, --pg-mb of pg_database_size),
// backed up once by the REAL controller (target postgres-zstd, staged and kept), then loaded into a fresh, empty
// postgres container by the built CLI — `baqup restore baqup-bench-pg postgres-zstd --yes --into <fresh>` (checks
// sha256 against the manifest, ends sessions, zstd -d, psql through docker exec) — against the shell's
// `zstd -dc file | docker exec -i fresh psql …` of the same file, alternately, best of --runs. Every restore is
// checked (row count and a checksum of the orders table equal the source's). The CLI's peak RSS is polled from
// /proc (VmHWM, every 50 ms).
//
//   node bench/restore.mjs [--runs 2] [--pg-mb 1024] [--work /tmp/baqup-bench] [--keep] [--pg-image TAG]
// With the data set left by `node bench/throughput.mjs --keep` (same --work) nothing is generated again.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startController } from './lib/controller.mjs';
import { postgresDataset } from './lib/datasets.mjs';
import { exec, newestTag, remove, run, until } from './lib/docker.mjs';
import { loadAvg, rssKb } from './lib/proc.mjs';
import { timed } from './lib/shell.mjs';
import { markdownTable, mb, mbps, mib } from './lib/table.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    'pg-mb': { type: 'string', default: '1024' },
    work: { type: 'string', default: '/tmp/baqup-bench' },
    keep: { type: 'boolean', default: false },
    'pg-image': { type: 'string' },
  },
});
const RUNS = Number(opt.runs);
const WORK = resolve(opt.work);
const SUFFIX = WORK === '/tmp/baqup-bench' ? '' : `-${createHash('sha1').update(WORK).digest('hex').slice(0, 6)}`;
const PG = `baqup-bench-pg${SUFFIX}`;
const FRESH = `baqup-bench-pg-restore${SUFFIX}`;
const PASSWORD = process.env.BAQUP_BENCH_PG_PASSWORD ?? 'bench-pg-password';
const CLI = join(root, 'apps/cli/dist/main.js');
const log = (m) => process.stderr.write(`${m}\n`);
const PSQL = ['psql', '-X', '-q', '-U', 'postgres', '-h', '127.0.0.1', '-p', '5432'];
const CHECK = "SELECT count(*) || ':' || sum(hashtext(id || ',' || amount || ',' || coalesce(note, '-') || ',' || coalesce(token, '-'))::bigint) FROM orders";

const query = (c, sql, db = 'shop') => exec(c, [...PSQL, '-A', '-t', '-d', db], { env: { PGPASSWORD: PASSWORD }, input: sql, quiet: true }).then((s) => s.trim());

async function freshContainer(image) {
  await remove(FRESH);
  const dir = join(WORK, 'pgrestore');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await run({ name: FRESH, image, env: { POSTGRES_PASSWORD: PASSWORD }, binds: [`${dir}:/var/lib/postgresql/data`] });
  await until(async () => (await query(FRESH, 'SELECT 1', 'postgres')) === '1', 120_000, 'the fresh postgres');
}

/** Runs the CLI, polling its VmHWM; resolves with wall ms, peak RSS KiB and stdout. */
function cliRestore(args, env) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let hwm = 0;
    const poll = setInterval(() => {
      try {
        hwm = Math.max(hwm, rssKb(child.pid).hwm);
      } catch {
        /* exited */
      }
    }, 50);
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.once('close', (code) => {
      clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`baqup restore exited ${code}: ${err.slice(-1500)}`));
      else resolvePromise({ ms, hwmKb: hwm, out: out.trim() });
    });
  });
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  const image = opt['pg-image'] ?? (await newestTag('baqup-e2e/postgres'));
  const labels = { 'backup.enabled': 'true', 'backup.postgres.zstd.compress': 'zstd', 'backup.postgres.zstd.password_env': 'POSTGRES_PASSWORD', 'backup.postgres.zstd.databases': 'all' };
  const set = await postgresDataset({ name: PG, image, dir: join(WORK, 'pgdata'), password: PASSWORD, labels, targetMb: Number(opt['pg-mb']), log });
  const expected = await query(PG, CHECK);
  log(`source: database shop ${mb(set.bytes)} MB, check ${expected}`);

  const ctlDir = join(WORK, 'restore-ctl');
  rmSync(ctlDir, { recursive: true, force: true });
  const config = { defaults: { schedules: { bench: { cron: '0 0 1 1 *', retention: 100 } }, target: { schedule: 'bench' } }, staging: { cleanup_after_upload: false } };
  const ctl = await startController({ main: join(root, 'apps/controller/dist/main.js'), dir: ctlDir, config });
  let staged;
  try {
    await until(async () => ((await ctl.get('/api/containers')).body ?? []).some((c) => c.name === PG && c.targets.some((t) => t.key === 'postgres-zstd' || t.instance === 'zstd')), 30_000, 'discovery of the source');
    log('backing up postgres-zstd through the controller…');
    const res = await ctl.post('/api/backups', { container: PG, target: 'postgres-zstd', wait: true });
    staged = res.body?.jobs?.[0];
    if (res.status !== 200 || staged?.status !== 'succeeded') throw new Error(`backup failed: ${res.text.slice(0, 600)}`);
  } finally {
    // The CLI needs no controller; stopping it keeps its CPU out of the measurement.
    await ctl.stop();
  }
  const file = staged.path;
  const { stdout: rawBytes } = await timed(`zstd -dc '${file}' | wc -c`);
  log(`staged ${file}: ${mb(staged.bytes)} MB compressed, ${mb(Number(rawBytes))} MB of SQL`);

  const best = {};
  const keep = (name, r) => {
    if (!best[name] || r.ms < best[name].ms) best[name] = r;
    log(`  ${name}: ${(r.ms / 1000).toFixed(1)} s${r.hwmKb ? `, peak RSS ${mib(r.hwmKb)} MiB` : ''}, load ${r.load}`);
  };
  const env = { BAQUP_DATA_DIR: join(ctlDir, 'data') };
  for (let i = 1; i <= RUNS; i++) {
    log(`run ${i}/${RUNS}`);
    await freshContainer(image);
    let load = loadAvg();
    const cli = await cliRestore(['restore', PG, 'postgres-zstd', '--yes', '--into', FRESH, '--config', join(ctlDir, 'config.yml')], env);
    const gotCli = await query(FRESH, CHECK);
    if (gotCli !== expected) throw new Error(`baqup restore: check ${gotCli}, expected ${expected}`);
    keep('baqup restore --into (CLI)', { ...cli, load });

    await freshContainer(image);
    load = loadAvg();
    const sh = await timed(`zstd -dc '${file}' | docker exec -i -e PGPASSWORD -e PGCONNECT_TIMEOUT=15 ${FRESH} ${PSQL.join(' ')} -d postgres > /dev/null 2>&1`, { env: { PGPASSWORD: PASSWORD } });
    const gotSh = await query(FRESH, CHECK);
    if (gotSh !== expected) throw new Error(`shell restore: check ${gotSh}, expected ${expected}`);
    keep('shell zstd -dc | docker exec -i psql', { ms: sh.wallMs, load });
  }
  const raw = Number(rawBytes);
  const shell = best['shell zstd -dc | docker exec -i psql'];
  const rows = Object.entries(best).map(([name, r]) => [name, (r.ms / 1000).toFixed(1), mbps(raw, r.ms), (shell.ms / r.ms).toFixed(2), r.hwmKb ? mib(r.hwmKb) : '–', String(r.load)]);
  console.log(`Node ${process.version}, best of ${RUNS}; database shop ${mb(set.bytes)} MB (pg_database_size), dump ${mb(raw)} MB SQL, ${mb(staged.bytes)} MB zstd.\n`);
  console.log(markdownTable(['restore', 'wall s', 'SQL MB/s', 'speed vs shell', 'peak RSS MiB', 'load'], rows));
}

async function cleanup() {
  await remove(FRESH);
  rmSync(join(WORK, 'pgrestore'), { recursive: true, force: true });
  rmSync(join(WORK, 'restore-ctl'), { recursive: true, force: true });
  if (opt.keep) return log(`--keep: ${PG} and ${WORK} left in place`);
  await remove(PG);
  rmSync(WORK, { recursive: true, force: true });
  log(`removed ${PG}, ${FRESH} and ${WORK}`);
}

main()
  .catch((err) => {
    process.exitCode = 1;
    log(err.stack ?? String(err));
  })
  .finally(cleanup);
