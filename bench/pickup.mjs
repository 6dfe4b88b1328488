#!/usr/bin/env node
// Pick-up latency: how long after Docker's `start` event a labelled container shows in the controller.
// Starts the BUILT controller, creates N labelled containers, starts them in a burst, and measures per container
// from the engine's own `start` event (timeNano, read from the events API by this script) to the first
// /api/containers answer that lists it (--mode poll, default, polled every --poll-ms) or to the controller's
// `container.discovered` log line (its `time` field; --mode log: no polling load, but the line is written up to
// one event-loop turn before the API shows the container, since discovery batches emissions per turn).
// Prints p50/p99/max, the time from the last start event until all are visible, the controller's CPU during the
// burst and its RSS idle before and after. Removes every container it created.
//
//   node bench/pickup.mjs [--count 100] [--concurrency 8] [--mode poll|log] [--poll-ms 5] [--image TAG] [--probe] [--profile DIR] [--dry-run]
//                         [--main OTHER/apps/controller/dist/main.js] [--node-args='--max-semi-space-size=1']
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// dockerode comes from the e2e package's dependencies (pnpm does not hoist it to the root).
const Docker = createRequire(join(root, 'e2e/package.json'))('dockerode');

const { values: opt } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    mode: { type: 'string', default: 'poll' },
    'poll-ms': { type: 'string', default: '5' },
    image: { type: 'string' },
    'timeout-s': { type: 'string', default: '60' },
    probe: { type: 'boolean', default: false },
    /** Write a V8 CPU profile of the controller into this directory (on its exit). */
    profile: { type: 'string' },
    /** Start the controller with --dry-run (no scheduler/jobs: isolates discovery + state + API). */
    'dry-run': { type: 'boolean', default: false },
    /** Another build's main.js (an A/B against an older commit checked out elsewhere). */
    main: { type: 'string' },
    /** Node flags for the controller, space-separated (`--node-args='--max-semi-space-size=1'`). */
    'node-args': { type: 'string', default: '' },
  },
});
const COUNT = Number(opt.count);
const CONCURRENCY = Number(opt.concurrency);
const MODE = opt.mode;
const POLL_MS = Number(opt['poll-ms']);
if (!['log', 'poll'].includes(MODE)) throw new Error('--mode is log or poll');

const MAIN = opt.main ? resolve(opt.main) : join(root, 'apps/controller/dist/main.js');
if (!existsSync(MAIN)) {
  console.error(`missing ${MAIN}: pnpm exec turbo run build --filter=@baqup/controller...`);
  process.exit(2);
}
const docker = new Docker(process.env.DOCKER_HOST?.startsWith('unix://') ? { socketPath: process.env.DOCKER_HOST.slice(7) } : undefined);
const run = `b${Date.now().toString(36)}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];

async function pickImage() {
  if (opt.image) return opt.image;
  // The e2e harness's base image (built by `cd e2e && npx vitest run` global setup), else the dev rootfs.
  const images = await docker.listImages();
  const tags = images.flatMap((i) => i.RepoTags ?? []);
  const tag = tags.find((t) => t.startsWith('baqup-e2e/base:')) ?? tags.find((t) => t === 'baqup-dev/rootfs:bookworm');
  if (!tag) throw new Error('no image with sh+sleep found: pass --image TAG (any image with sh and sleep)');
  return tag;
}

function rssKb(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1]);
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

/** The process's CPU time (user + sys) in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10;
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function pool(items, n, f) {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) {
      const item = items[i++];
      await f(item);
    }
  }));
}

function startController() {
  const dir = mkdtempSync(join(tmpdir(), 'baqup-bench-pickup-'));
  const config = join(dir, 'config.yml');
  // A long resync interval: only the events path is measured. JSON is YAML.
  writeFileSync(config, JSON.stringify({ api: { listen: '127.0.0.1:0' }, resync_interval: 300, logging: { level: 'info', format: 'json' } }));
  const env = { ...process.env, BAQUP_DATA_DIR: join(dir, 'data') };
  delete env.BAQUP_CONFIG;
  const nodeArgs = [...opt['node-args'].split(' ').filter(Boolean), ...(opt.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(opt.profile)] : [])];
  const child = spawn(process.execPath, [...nodeArgs, MAIN, '--config', config, ...(opt['dry-run'] ? ['--dry-run'] : [])], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const discovered = new Map(); // name → ms since epoch (the log line's time)
  let api;
  let partial = '';
  let ready;
  const started = new Promise((r) => (ready = r));
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const l of parts) {
      let j;
      try {
        j = JSON.parse(l);
      } catch {
        continue;
      }
      if (j.event === 'controller.started') ready((api = j.api));
      if (j.event === 'container.discovered' && !discovered.has(j.container)) discovered.set(j.container, Date.parse(j.time));
    }
  });
  return { child, dir, discovered, started, get api() { return api; } };
}

async function main() {
  const image = await pickImage();
  const ctl = startController();
  await Promise.race([ctl.started, sleep(15_000).then(() => { throw new Error('controller did not start'); })]);
  const ids = new Map(); // id → name
  const startEvent = new Map(); // id → ms (from timeNano)
  const probed = new Map(); // id → ms when this script's own inspect answered (--probe)
  const events = await docker.getEvents({ filters: { type: ['container'], event: ['start'], label: [`baqup.bench.run=${run}`] } });
  let evPartial = '';
  events.setEncoding('utf8');
  events.on('data', (chunk) => {
    const parts = (evPartial + chunk).split('\n');
    evPartial = parts.pop();
    for (const l of parts) {
      if (!l.trim()) continue;
      const e = JSON.parse(l);
      const id = e.Actor?.ID ?? e.id;
      if (!startEvent.has(id)) {
        startEvent.set(id, e.timeNano / 1e6);
        // --probe: what any inspect-on-event design pays: this script's own inspect, answered at…
        if (opt.probe) void docker.getContainer(id).inspect().then(() => probed.set(id, Date.now()), () => {});
      }
    }
  });
  const cleanup = async () => {
    events.destroy();
    await pool([...ids.keys()], 16, (id) => docker.getContainer(id).remove({ force: true }).catch(() => {}));
    if (ctl.child.exitCode === null) {
      ctl.child.kill('SIGTERM');
      await Promise.race([new Promise((r) => ctl.child.once('exit', r)), sleep(10_000).then(() => ctl.child.kill('SIGKILL'))]);
    }
    rmSync(ctl.dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    console.log(`controller pid ${ctl.child.pid}, API ${ctl.api}; image ${image}; ${COUNT} containers, start concurrency ${CONCURRENCY}, mode ${MODE}`);
    const names = Array.from({ length: COUNT }, (_, i) => `baqup-bench-${run}-${String(i).padStart(3, '0')}`);
    await pool(names, CONCURRENCY, async (name) => {
      const c = await docker.createContainer({
        name,
        Image: image,
        Cmd: SLEEPER,
        // baqup.e2e labels: a crashed bench's leftovers are swept by the e2e harness like its own.
        Labels: {
          'backup.enabled': 'true',
          'backup.fs.data.path': '/data',
          'baqup.bench.run': run,
          'baqup.e2e': '1',
          'baqup.e2e.run': run,
          'baqup.e2e.pid': String(process.pid),
          'baqup.e2e.started': String(Date.now()),
        },
        HostConfig: { NetworkMode: 'none' },
      });
      ids.set(c.id, name);
    });
    await sleep(2_000); // creates are not starts: let the controller go idle
    const before = rssKb(ctl.child.pid);

    const seenByPoll = new Map();
    let polling = MODE === 'poll';
    const poller = (async () => {
      while (polling) {
        try {
          const list = await (await fetch(`http://${ctl.api}/api/containers`)).json();
          const at = Date.now();
          for (const c of list) if (!seenByPoll.has(c.name)) seenByPoll.set(c.name, at);
        } catch {
          // counted as not seen
        }
        await sleep(POLL_MS);
      }
    })();
    const seen = MODE === 'poll' ? seenByPoll : ctl.discovered;

    const cpu0 = cpuMs(ctl.child.pid);
    const t0 = Date.now();
    await pool([...ids.keys()], CONCURRENCY, (id) => docker.getContainer(id).start());
    const startsDone = Date.now();
    const deadline = Date.now() + Number(opt['timeout-s']) * 1000;
    while (names.some((n) => !seen.has(n)) || startEvent.size < COUNT) {
      if (Date.now() > deadline) break;
      await sleep(5);
    }
    polling = false;
    await poller;

    const lat = [];
    let missing = 0;
    for (const [id, name] of ids) {
      const ev = startEvent.get(id);
      const at = seen.get(name);
      if (ev === undefined || at === undefined) missing++;
      else lat.push(at - ev);
    }
    lat.sort((a, b) => a - b);
    const cpuBurst = cpuMs(ctl.child.pid) - cpu0;
    const probeLat = [...probed].map(([id, at]) => at - startEvent.get(id)).sort((a, b) => a - b);
    // What the controller adds on top of one inspect round trip, per container (negative: it was quicker).
    const overLat = [...probed].filter(([id]) => seen.has(ids.get(id))).map(([id, at]) => seen.get(ids.get(id)) - at).sort((a, b) => a - b);
    const lastStart = Math.max(...startEvent.values());
    const allVisible = Math.max(...names.map((n) => seen.get(n) ?? NaN));
    await sleep(2_000);
    const after = rssKb(ctl.child.pid);
    const f = (ms) => `${ms.toFixed(1)} ms`;
    console.log(`starts issued in ${startsDone - t0} ms; start events seen ${startEvent.size}/${COUNT}; visible ${COUNT - missing}/${COUNT}`);
    if (lat.length) {
      console.log(`latency start event → ${MODE === 'log' ? 'container.discovered log time' : `first /api/containers listing (poll ${POLL_MS} ms)`}:`);
      console.log(`  p50 ${f(pct(lat, 50))}  p99 ${f(pct(lat, 99))}  max ${f(lat[lat.length - 1])}  min ${f(lat[0])}`);
    }
    if (overLat.length) console.log(`  controller minus probe, per container: p50 ${f(pct(overLat, 50))}  p99 ${f(pct(overLat, 99))}  max ${f(overLat[overLat.length - 1])}`);
    if (probeLat.length) console.log(`  probe (this script's own inspect on each start event): p50 ${f(pct(probeLat, 50))}  p99 ${f(pct(probeLat, 99))}  max ${f(probeLat[probeLat.length - 1])}`);
    console.log(`controller CPU during the burst: ${cpuBurst} ms (user+sys) over ${Date.now() - t0} ms wall`);
    console.log(`last start event → all ${COUNT} visible: ${Number.isFinite(allVisible) ? f(allVisible - lastStart) : 'NOT ALL VISIBLE'}`);
    console.log(`controller RSS idle before ${(before.rss / 1024).toFixed(1)} MiB, idle after ${(after.rss / 1024).toFixed(1)} MiB, peak (VmHWM) ${(after.hwm / 1024).toFixed(1)} MiB`);
    const goal = lat.length === COUNT && pct(lat, 99) < 50 && allVisible - lastStart < 1000;
    console.log(`goal (p99 < 50 ms, all visible < 1 s after the last start event): ${goal ? 'MET' : 'MISSED'}`);
  } finally {
    await cleanup();
    const left = await docker.listContainers({ all: true, filters: { label: [`baqup.bench.run=${run}`] } });
    console.log(`cleanup: ${ids.size} created, ${left.length} left`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
