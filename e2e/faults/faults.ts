// The fault catalogue of issue 12: each fault sets up a real controller (the BUILT apps/controller) against a real
// engine, injects the fault once, waits out the recovery window and reports what the world looks like (world.ts).
// The quick vitest set (test/faults.test.ts) runs the faults marked `quick` once and asserts the target (0 left
// down, 0 lost, 0 crashes, recovery within budget); the trial runner (faults/run.mjs) runs any of them N times and
// prints the table for docs/reliability.md.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Secret } from '@baqup/core';
import { docker } from '../src/client.js';
import { removeContainers } from '../src/containers.js';
import { E2E_HOST, ensureImage, startContainer, type TestContainer } from '../src/index.js';
import { LABEL_E2E, LABEL_PID, LABEL_RUN, LABEL_STARTED, runId } from '../src/run.js';
import { secondEngine, type SecondEngine } from '../src/second-engine.js';
import { backupNow, dataFiles, partials, startCtl, TOKEN, waitDiscovered, type Ctl, type JobView } from '../test/pipeline-fixtures.js';
import { SftpServer } from '../test/upload-fixtures.js';
import { fuzzHttp } from './fuzz.js';
import { hostileLabels } from './labels.js';
import { alive, answers, badFiles, countLost, http, isRunning, newTrial, sleep, smallFs, verified, within, type Trial } from './world.js';

export interface FaultContext {
  trial: number;
  /** The quick (pnpm test) variant: smaller fuzz counts, shorter outages. */
  quick: boolean;
  /** Progress lines (printed when a quick test fails). */
  step(what: string): void;
}

export interface Fault {
  id: string;
  title: string;
  /** In the quick `pnpm test` set: the target behaviour holds on main today. */
  quick: boolean;
  /** What "time to recover" measures, for the table's legend. */
  recovery: string;
  /** Recovery slower than this fails the trial. */
  budgetMs: number;
  run(ctx: FaultContext): Promise<Trial>;
}

/** A schedule that never fires during a trial: jobs come from POST /api/backups only. */
const MANUAL = { manual: { cron: '0 0 1 1 *', retention: 100 } };
const SCHEDULES = { defaults: { schedules: MANUAL, target: { schedule: 'manual' } } };

/** Idles under a TERM trap (a bare sleep as PID 1 makes every stop a 10 s kill). */
const idle = (prepare: string) => ['sh', '-c', `${prepare}; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];
/** Sparse zeros: no disk used, but the archive API streams all of it, so the backup is long enough to hit mid-way. */
const sparse = (gib: number) => `mkdir -p /small /data && echo hello > /small/a.txt && for i in $(seq 1 ${gib}); do truncate -s 1G /data/f$i; done`;
const COLD = (extra: Record<string, string> = {}) => ({
  'backup.enabled': 'true',
  'backup.stop': 'true',
  'backup.fs.small.path': '/small',
  'backup.fs.data.path': '/data',
  ...extra,
});

async function coldContainer(gib: number, extra: Record<string, string> = {}): Promise<TestContainer> {
  return startContainer({ image: await ensureImage('base'), labels: COLD(extra), cmd: idle(sparse(gib)) });
}

/** Everything a trial started, torn down whatever state it is in (a hung controller is SIGKILLed). */
class Scope {
  ctls: Ctl[] = [];
  containers: { id: string }[] = [];
  cleanups: (() => Promise<void> | void)[] = [];
  async ctl(o: Parameters<typeof startCtl>[0] = {}): Promise<Ctl> {
    const c = await startCtl({ ...o, config: { ...SCHEDULES, ...o.config } });
    this.ctls.push(c);
    return c;
  }
  async dispose(): Promise<void> {
    for (const c of this.ctls) {
      if (c.exited) continue;
      if (await answers(c.api, 5_000)) {
        c.kill('SIGTERM');
        if ((await Promise.race([c.exit, sleep(20_000).then(() => 'late')])) !== 'late') continue;
      }
      c.kill('SIGKILL');
      await c.exit;
    }
    for (const f of this.cleanups.reverse()) await f();
    await removeContainers(this.containers);
  }
}

/** A trial never outlives its deadline: past it, it is an error of its row and everything it started is torn down. */
const TRIAL_DEADLINE_MS = 8 * 60_000;

async function withScope(f: (s: Scope) => Promise<Trial>): Promise<Trial> {
  const s = new Scope();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      f(s),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`trial still running after ${TRIAL_DEADLINE_MS / 60_000} min`)), TRIAL_DEADLINE_MS))),
    ]);
  } finally {
    clearTimeout(timer);
    await s.dispose();
  }
}

/** A verified small cold backup first: what a fault must never take away. */
async function preBackup(ctl: Ctl, c: { name: string }, t: Trial): Promise<string[]> {
  const { status, job } = await backupNow(ctl, c.name, 'fs-small');
  if (status !== 200 || job.status !== 'succeeded') {
    t.failures.push(`setup: the first backup failed (${job.error?.code ?? status})`);
    return [];
  }
  return [job.path!.split('/').pop()!];
}

/** Triggers the long cold backup and returns once Docker says the container is stopped and a partial file grows. */
async function midColdBackup(ctl: Ctl, id: string, name: string, staging: string, d: Docker = docker(), wait = false): Promise<Promise<unknown>> {
  let answer: Promise<unknown> = Promise.resolve();
  if (wait) answer = ctl.post('/api/backups', { container: name, target: 'fs-data', wait: true }, 600_000).then((r) => r, (e: unknown) => e);
  else {
    const r = await ctl.post('/api/backups', { container: name, target: 'fs-data' });
    if (r.status !== 202) throw new Error(`POST /api/backups: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  }
  if ((await within(60_000, async () => !(await isRunning(id, d)))) === undefined) throw new Error('the cold backup never stopped the container');
  if ((await within(60_000, () => partials(staging).length > 0)) === undefined) throw new Error('no partial file appeared in staging');
  return answer;
}

/** Crash accounting at the end of a trial: every controller that should still run must be alive and answering. */
async function countCrashes(t: Trial, ...ctls: Ctl[]): Promise<void> {
  for (const c of ctls) {
    if (await alive(c)) continue;
    t.crashes += 1;
    const exit = c.exited ? JSON.stringify(await c.exit) : 'hung (no /healthz answer in 3 s)';
    t.failures.push(`controller pid ${c.pid}: ${exit}`);
  }
}

async function countDown(t: Trial, ids: { id: string; name: string }[], d: Docker = docker()): Promise<void> {
  for (const c of ids) {
    if (await isRunning(c.id, d)) continue;
    t.leftDown += 1;
    t.failures.push(`${c.name} left stopped`);
  }
}

const sigkill: Fault = {
  id: 'sigkill-cold',
  title: 'SIGKILL mid cold backup (controller restarted on the same data dir)',
  quick: true,
  recovery: 'SIGKILL → container running (includes the new controller start)',
  budgetMs: 60_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const c = await coldContainer(32);
      s.containers.push(c);
      const a = await s.ctl();
      await waitDiscovered(a, c.name, 2);
      const pre = await preBackup(a, c, t);
      await midColdBackup(a, c.id, c.name, a.staging);
      ctx.step('mid backup; SIGKILL');
      const t0 = Date.now();
      a.kill('SIGKILL');
      await a.exit;
      const b = await s.ctl({ root: a.root });
      t.recoverMs = await within(60_000, () => isRunning(c.id), t0);
      await countDown(t, [c]);
      await countCrashes(t, b);
      countLost(t, b.remote, c.name, 'fs-small', pre, [b.staging, b.remote]);
      return t;
    }),
};

const sigtermKill: Fault = {
  id: 'sigterm-kill-cold',
  title: 'SIGTERM, SIGKILL at 10 s (docker stop) mid cold backup',
  quick: true,
  recovery: 'SIGTERM → container running, no controller restart',
  budgetMs: 10_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const c = await coldContainer(32);
      s.containers.push(c);
      const a = await s.ctl();
      await waitDiscovered(a, c.name, 2);
      const pre = await preBackup(a, c, t);
      await midColdBackup(a, c.id, c.name, a.staging);
      ctx.step('mid backup; SIGTERM');
      const t0 = Date.now();
      a.kill('SIGTERM');
      let runningAt: number | undefined;
      const watch = within(12_000, async () => (await isRunning(c.id)) && (runningAt = Date.now()) !== undefined, t0);
      if ((await Promise.race([a.exit, sleep(10_000).then(() => 'late')])) === 'late') {
        a.kill('SIGKILL');
        t.notes.push('needed SIGKILL at 10 s');
      }
      const exit = await a.exit;
      await watch;
      if (runningAt === undefined) runningAt = (await within(2_000, () => isRunning(c.id))) !== undefined ? Date.now() : undefined;
      t.recoverMs = runningAt === undefined ? undefined : runningAt - t0;
      await countDown(t, [c]);
      if (exit.signal === null && exit.code !== 0) t.failures.push(`exit code ${exit.code}`);
      // The interrupted write must be gone when the process is (no restart has swept it).
      countLost(t, a.remote, c.name, 'fs-small', pre, [a.staging, a.remote]);
      return t;
    }),
};

/** A private engine and a cold container in it, for the engine-restart faults. */
async function engineWorld(s: Scope, gib: number, restart: 'no' | 'always'): Promise<{ engine: SecondEngine; id: string; name: string }> {
  const engine = secondEngine('/tmp/baqup-e2e-d2-faults');
  s.cleanups.push(() => engine.destroy());
  await engine.start();
  const base = await ensureImage('base');
  await engine.loadImage(base);
  const name = `fault-${runId}-${Date.now().toString(36)}`;
  const created = await engine.docker.createContainer({
    name,
    Image: base,
    Cmd: idle(sparse(gib)),
    Labels: { ...COLD(), [LABEL_E2E]: '1', [LABEL_RUN]: runId, [LABEL_PID]: String(process.pid), [LABEL_STARTED]: String(Date.now()) },
    HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: restart } },
  });
  await created.start();
  return { engine, id: created.id, name };
}

const engineMid: Fault = {
  id: 'dockerd-restart-cold',
  title: 'dockerd restart mid cold backup (private engine, down 10 s)',
  quick: true,
  recovery: 'engine answers again → container running',
  budgetMs: 30_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const { engine, id, name } = await engineWorld(s, 32, 'no');
      const a = await s.ctl({ env: { DOCKER_HOST: engine.host } });
      await waitDiscovered(a, name, 2);
      const pre = await preBackup(a, { name }, t);
      await midColdBackup(a, id, name, a.staging, engine.docker);
      ctx.step('mid backup; stopping the engine');
      await engine.stop();
      await sleep(ctx.quick ? 5_000 : 10_000);
      await engine.start();
      const t0 = Date.now();
      ctx.step('engine back');
      t.recoverMs = await within(60_000, () => isRunning(id, engine.docker), t0);
      await countDown(t, [{ id, name }], engine.docker);
      // The interrupted job has ended (failed) by now, its partial removed.
      await within(30_000, () => partials(a.staging).length === 0);
      await countCrashes(t, a);
      countLost(t, a.remote, name, 'fs-small', pre, [a.staging, a.remote]);
      return t;
    }),
};

const engineIdle: Fault = {
  id: 'dockerd-restart-idle',
  title: 'dockerd restart while idle (private engine): view right within 5 s',
  quick: true,
  recovery: 'engine answers (and restarts its containers) → /api/containers = docker ps',
  budgetMs: 5_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const { engine, id, name } = await engineWorld(s, 0, 'always');
      // Re-list far beyond the 5 s: only the events reconnect path can meet it.
      const a = await s.ctl({ env: { DOCKER_HOST: engine.host }, config: { resync_interval: 300 } });
      await waitDiscovered(a, name, 2);
      const pre = await preBackup(a, { name }, t);
      await engine.stop();
      if ((await within(60_000, async () => (await a.get('/api/status')).body?.docker?.connected === false)) === undefined) t.failures.push('/api/status never said disconnected');
      await sleep(ctx.quick ? 3_000 : 10_000);
      ctx.step('engine down; starting it');
      await engine.start();
      const answeredAt = Date.now();
      const up = await within(60_000, () => isRunning(id, engine.docker));
      const from = up === undefined ? answeredAt : Math.max(answeredAt, Date.parse((await engine.docker.getContainer(id).inspect()).State.StartedAt));
      const ps = async () => (await engine.docker.listContainers({ filters: { label: ['backup.enabled'] } })).map((c) => c.Id).sort().join();
      const view = async () => {
        const r = await a.get('/api/containers');
        return Array.isArray(r.body) ? (r.body as { id: string }[]).map((c) => c.id).sort().join() : 'no answer';
      };
      t.recoverMs = await within(60_000, async () => {
        const [v, p] = await Promise.all([view(), ps()]);
        return v === p && p === id;
      }, from);
      await countDown(t, [{ id, name }], engine.docker);
      await countCrashes(t, a);
      countLost(t, a.remote, name, 'fs-small', pre, [a.staging, a.remote]);
      return t;
    }),
};

const diskFull: Fault = {
  id: 'staging-full',
  title: 'staging disk full (48 MiB tmpfs, 1 GiB target), then room again',
  quick: true,
  recovery: 'disk-full failure → next backup succeeds, no restart',
  budgetMs: 60_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const fs = smallFs(48);
      s.cleanups.push(() => fs.dispose());
      const c = await coldContainer(1, { 'backup.fs.data.compress': 'none' });
      s.containers.push(c);
      const a = await s.ctl({ config: { staging: { path: fs.path, cleanup_after_upload: false } } });
      await waitDiscovered(a, c.name, 2);
      const pre = await preBackup(a, c, t);
      // Responsive throughout: /healthz polled every 500 ms, each must answer within 3 s.
      let polling = true;
      let unanswered = 0;
      const poll = (async () => {
        while (polling) {
          if (!(await answers(a.api, 3_000))) unanswered++;
          await sleep(500);
        }
      })();
      ctx.step('backing up 1 GiB into 48 MiB');
      const r = await http(a.api, 'POST', '/api/backups', { body: { container: c.name, target: 'fs-data', wait: true }, token: TOKEN, timeoutMs: 90_000 });
      const t0 = Date.now();
      if (r instanceof Error) t.failures.push(`the job did not end within 90 s (${r.message.slice(0, 60)})`);
      else {
        const job = (r.body as { jobs?: JobView[] } | undefined)?.jobs?.[0];
        if (job?.error?.code !== 'BAQUP_STAGE_DISK_FULL') t.failures.push(`job ended with ${job?.error?.code ?? r.status}, not BAQUP_STAGE_DISK_FULL`);
      }
      // The partial is removed; the space is free again: new jobs resume by themselves.
      await within(30_000, () => partials(fs.path).length === 0);
      let resumed = false;
      t.recoverMs = await within(60_000, async () => {
        if (a.exited) return false;
        const b = await http(a.api, 'POST', '/api/backups', { body: { container: c.name, target: 'fs-small', wait: true }, token: TOKEN, timeoutMs: 20_000 });
        const job = b instanceof Error ? undefined : (b.body as { jobs?: JobView[] } | undefined)?.jobs?.[0];
        if (job?.status === 'succeeded') pre.push(job.path!.split('/').pop()!);
        resumed = job?.status === 'succeeded';
        if (!resumed) await sleep(2_000);
        return resumed;
      }, t0);
      if (!resumed) t.failures.push('jobs still refused 60 s after the disk had room again');
      polling = false;
      await poll;
      if (unanswered > 0) {
        t.crashes += 1;
        t.failures.push(`/healthz unanswered ${unanswered}× during the fault`);
      }
      await countDown(t, [c]);
      await countCrashes(t, a);
      countLost(t, a.remote, c.name, 'fs-small', pre, [fs.path, a.remote]);
      return t;
    }),
};

const remoteDown: Fault = {
  id: 'remote-down',
  title: 'remote (rclone serve sftp) down for three runs, then back',
  quick: true,
  recovery: 'remote back → every backup of the four runs on the remote',
  budgetMs: 60_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const served = mkdtempSync(join(tmpdir(), 'baqup-fault-sftp-'));
      const server = await SftpServer.start(served);
      s.cleanups.push(() => server.stop());
      const env = Object.fromEntries(Object.entries(server.clientEnv()).map(([k, v]) => [k, typeof v === 'string' ? v : (v as Secret).reveal()]));
      const c = await coldContainer(0);
      s.containers.push(c);
      const a = await s.ctl({ env: { ...env, RCLONE_LOW_LEVEL_RETRIES: '1' }, config: { staging: { cleanup_after_upload: true }, upload: { remote: 'testsftp:backups', retries: 1 } } });
      await waitDiscovered(a, c.name, 2);
      const remote = join(served, 'backups', E2E_HOST);
      const pre = await preBackup(a, c, t);
      await server.stop();
      ctx.step('remote down');
      for (let i = 0; i < 3; i++) {
        await sleep(1_100); // one timestamp per second: each run gets its own file
        const { job } = await backupNow(a, c.name, 'fs-small');
        if (job.status === 'succeeded') t.failures.push(`run ${i + 1} succeeded with the remote down`);
        if (!(await isRunning(c.id))) t.failures.push(`run ${i + 1} left the container stopped`);
      }
      const waiting = dataFiles(a.staging, c.name, 'fs-small');
      if (waiting.length !== 3) t.failures.push(`${waiting.length} staged copies kept while the remote was down, not 3`);
      await server.start();
      const t0 = Date.now();
      ctx.step('remote back');
      await sleep(1_100);
      const { job } = await backupNow(a, c.name, 'fs-small');
      if (job.status !== 'succeeded') t.failures.push(`the run after the remote came back failed (${job.error?.code})`);
      const all = [...pre, ...waiting, ...(job.path ? [job.path.split('/').pop()!] : [])];
      t.recoverMs = await within(60_000, () => verified(remote, c.name, 'fs-small').length >= all.length, t0);
      await countDown(t, [c]);
      await countCrashes(t, a);
      countLost(t, remote, c.name, 'fs-small', all, [a.staging, remote]);
      return t;
    }),
};

const requestFuzz: Fault = {
  id: 'request-fuzz',
  title: 'malformed-request fuzz (loopback, seeded) during a cold backup',
  quick: true,
  recovery: 'end of fuzz → /healthz answers',
  budgetMs: 5_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const c = await coldContainer(1);
      s.containers.push(c);
      const a = await s.ctl();
      await waitDiscovered(a, c.name, 2);
      const pre = await preBackup(a, c, t);
      const answer = await midColdBackup(a, c.id, c.name, a.staging, docker(), true);
      ctx.step('fuzzing');
      const seed = 1000 + ctx.trial;
      const res = await fuzzHttp(a.api, { seed, count: ctx.quick ? 600 : 3000, budgetMs: ctx.quick ? 30_000 : 120_000, stop: () => a.exited });
      const t0 = Date.now();
      t.notes.push(`${res.sent} requests in ${(res.elapsedMs / 1000).toFixed(0)} s (seed ${seed})`);
      if (a.exited) t.failures.push(`died after: ${res.recent.slice(-3).join(' | ')}`);
      if (res.acceptedWithoutToken.length) t.failures.push(`${res.acceptedWithoutToken.length} mutating request(s) accepted without the token: ${res.acceptedWithoutToken[0]}`);
      t.recoverMs = await within(30_000, () => answers(a.api), t0);
      // The cold backup still ends with the container running (when the controller survived to end it).
      await Promise.race([answer, sleep(120_000)]);
      await within(10_000, () => isRunning(c.id));
      await countDown(t, [c]);
      await countCrashes(t, a);
      countLost(t, a.remote, c.name, 'fs-small', pre, [a.staging, a.remote]);
      return t;
    }),
};

const labelFuzz: Fault = {
  id: 'label-fuzz',
  title: 'label fuzz (containers with random/hostile backup.* labels)',
  quick: true,
  recovery: 'controller start → the well-labelled container backed up',
  budgetMs: 60_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const base = await ensureImage('base');
      const count = ctx.quick ? 12 : 40;
      const hostile: TestContainer[] = [];
      for (let i = 0; i < count; i++) {
        const labels = hostileLabels(ctx.trial * 1000 + i);
        const c = await startContainer({ image: base, labels, cmd: idle('mkdir -p /data /config && echo x > /data/a && echo y > /config/b') }).catch((err: unknown) => {
          t.notes.push(`engine refused one label set: ${String(err).slice(0, 60)}`);
          return undefined;
        });
        if (c) hostile.push(c);
      }
      s.containers.push(...hostile);
      const good = await coldContainer(0);
      s.containers.push(good);
      const t0 = Date.now();
      const a = await s.ctl();
      await waitDiscovered(a, good.name, 2);
      const pre = await preBackup(a, good, t);
      t.recoverMs = Date.now() - t0;
      ctx.step('good container backed up; triggering every hostile target');
      // Every target the controller accepted from a hostile container, backed up now (the ones it rejected are listed with errors).
      // Only this trial's containers: other tests' containers on the shared engine are never touched.
      const mine = new Set(hostile.map((c) => c.name));
      const list = (((await a.get('/api/containers')).body ?? []) as { name: string; targets: { key: string }[]; errors: unknown[] }[]).filter((c) => mine.has(c.name));
      const jobs = list
        .flatMap((c) => c.targets.map((tg) => a.post('/api/backups', { container: c.name, target: tg.key, wait: true }, 60_000).catch(() => undefined)));
      await Promise.all(jobs);
      t.notes.push(`${hostile.length} hostile containers, ${list.length} listed, ${jobs.length} of their targets run`);
      // A second good backup after all that.
      await sleep(1_100);
      pre.push(...(await preBackup(a, good, t)));
      await countCrashes(t, a);
      // Graceful stop: whatever a hostile label made baqup stop must run again afterwards.
      a.kill('SIGTERM');
      await Promise.race([a.exit, sleep(70_000)]);
      await countDown(t, [good, ...hostile]);
      countLost(t, a.remote, good.name, 'fs-small', pre, [a.staging, a.remote]);
      return t;
    }),
};

const twoControllers: Fault = {
  id: 'two-controllers',
  title: 'second controller on the same data dir during a cold backup',
  quick: true,
  recovery: 'second start → second controller refused (exited)',
  budgetMs: 10_000,
  run: (ctx) =>
    withScope(async (s) => {
      const t = newTrial();
      const c = await coldContainer(2);
      s.containers.push(c);
      const a = await s.ctl();
      await waitDiscovered(a, c.name, 2);
      const pre = await preBackup(a, c, t);
      const answer = await midColdBackup(a, c.id, c.name, a.staging, docker(), true);
      ctx.step('mid backup; second controller');
      const t0 = Date.now();
      const b = await s.ctl({ root: a.root }).catch((e: unknown) => e as Error);
      if (b instanceof Error) {
        t.recoverMs = Date.now() - t0;
        if (!/lock|already|another|held/i.test(b.message)) t.failures.push(`second controller exited without naming the holder: ${b.message.slice(0, 100)}`);
      } else {
        t.failures.push('second controller started on the same data dir');
        if (await isRunning(c.id)) t.failures.push('second controller started the container under the cold backup');
        b.kill('SIGTERM');
        await b.exit;
      }
      const r = (await Promise.race([answer, sleep(300_000).then(() => new Error('no answer in 300 s'))])) as Error | { body?: { jobs?: JobView[] } };
      const job = r instanceof Error ? undefined : r.body?.jobs?.[0];
      if (job?.status === 'succeeded') pre.push(job.path!.split('/').pop()!);
      else {
        t.lost += 1;
        t.failures.push(`the first controller's backup was lost (${job?.error?.code ?? (r instanceof Error ? r.message : 'no job')})`);
      }
      await within(10_000, () => isRunning(c.id));
      await countDown(t, [c]);
      await countCrashes(t, a);
      const remote = a.remote;
      const have = new Set([...verified(remote, c.name, 'fs-small'), ...verified(remote, c.name, 'fs-data')]);
      for (const f of pre) {
        if (have.has(f)) continue;
        t.lost += 1;
        t.failures.push(`${f} lost`);
      }
      const bad = badFiles(a.staging, a.remote);
      t.lost += bad.length;
      if (bad.length) t.failures.push(`visible: ${bad[0]}`);
      return t;
    }),
};

export const FAULTS: readonly Fault[] = [sigkill, sigtermKill, engineMid, engineIdle, diskFull, remoteDown, requestFuzz, labelFuzz, twoControllers];
