#!/usr/bin/env node
// Idle memory of the controller: starts the BUILT controller (temp data dir, API on 127.0.0.1:0, no containers of
// its own), waits until it logged `controller.started` and then --settle-s seconds, and prints VmRSS, VmHWM and
// the V8 heap (from a heap snapshot's total when --snapshot DIR is given: the controller is started with
// --heapsnapshot-signal=SIGUSR2 and a .heapsnapshot is written into DIR). --runs N repeats, alternating the
// --variant node-flag sets, so load from elsewhere hits all alike. Prints the load average at each run.
//
//   node bench/idle.mjs [--runs 3] [--settle-s 10] [--variant=''] [--variant='--max-semi-space-size=1'] [--snapshot DIR]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'settle-s': { type: 'string', default: '10' },
    variant: { type: 'string', multiple: true },
    snapshot: { type: 'string' },
    main: { type: 'string', default: join(root, 'apps/controller/dist/main.js') },
  },
});
const MAIN = resolve(opt.main);
if (!existsSync(MAIN)) {
  console.error(`missing ${MAIN}: pnpm exec turbo run build --filter=@baqup/controller...`);
  process.exit(2);
}
const variants = opt.variant?.length ? opt.variant : [''];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function status(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1]) / 1024;
  return { rss: get('VmRSS'), hwm: get('VmHWM'), anon: get('RssAnon'), file: get('RssFile') };
}

async function once(flags) {
  const dir = mkdtempSync(join(tmpdir(), 'baqup-bench-idle-'));
  const config = join(dir, 'config.yml');
  writeFileSync(config, JSON.stringify({ api: { listen: '127.0.0.1:0' }, logging: { level: 'info', format: 'json' } }));
  // Tokens of a variant that look like NAME=value are environment variables (MALLOC_ARENA_MAX=2), the rest node flags.
  const tokens = flags.split(' ').filter(Boolean);
  const envTokens = Object.fromEntries(tokens.filter((t) => /^[A-Z_][A-Z0-9_]*=/.test(t)).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
  const env = { ...process.env, ...envTokens, BAQUP_DATA_DIR: join(dir, 'data') };
  delete env.BAQUP_CONFIG;
  const snapDir = opt.snapshot ? resolve(opt.snapshot) : undefined;
  if (snapDir) mkdirSync(snapDir, { recursive: true });
  const nodeArgs = [...tokens.filter((t) => !(t in envTokens) && !/^[A-Z_][A-Z0-9_]*=/.test(t)), ...(snapDir ? ['--heapsnapshot-signal=SIGUSR2'] : [])];
  const child = spawn(process.execPath, [...nodeArgs, MAIN, '--config', config], { env, cwd: snapDir ?? dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const t0 = Date.now();
  let startedMs;
  await new Promise((res, rej) => {
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const l of parts) if (l.includes('"controller.started"')) {
        startedMs = Date.now() - t0;
        res();
      }
    });
    child.once('exit', (code) => rej(new Error(`controller exited ${code}`)));
    setTimeout(() => rej(new Error('controller did not start in 30 s')), 30_000);
  });
  await sleep(Number(opt['settle-s']) * 1000);
  const m = status(child.pid);
  let snap;
  if (snapDir) {
    const before = new Set(readdirSync(snapDir));
    child.kill('SIGUSR2');
    for (let i = 0; i < 300; i++) {
      await sleep(100);
      const f = readdirSync(snapDir).find((x) => !before.has(x) && x.endsWith('.heapsnapshot'));
      if (f) {
        await sleep(1000);
        snap = join(snapDir, f);
        break;
      }
    }
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { ...m, startedMs, snap };
}

const rows = [];
for (let r = 0; r < Number(opt.runs); r++) {
  for (const v of variants) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    const m = await once(v);
    rows.push({ v, ...m });
    console.log(`run ${r + 1} [${v || 'no flags'}] load ${load}: RSS ${m.rss.toFixed(1)} MiB (anon ${m.anon.toFixed(1)}, file ${m.file.toFixed(1)}), VmHWM ${m.hwm.toFixed(1)} MiB, started in ${m.startedMs} ms${m.snap ? `, snapshot ${m.snap}` : ''}`);
  }
}
for (const v of variants) {
  const rss = rows.filter((x) => x.v === v).map((x) => x.rss).sort((a, b) => a - b);
  console.log(`[${v || 'no flags'}] idle RSS min ${rss[0].toFixed(1)} / median ${rss[Math.floor(rss.length / 2)].toFixed(1)} / max ${rss[rss.length - 1].toFixed(1)} MiB`);
}
