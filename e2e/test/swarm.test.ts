// Swarm mode (issue 20) on a real single-node Swarm: `docker swarm init` on a private second engine (the shared
// engine is never a Swarm node), loopback only (the manager listens on 127.0.0.1; tasks attach to no network: the
// engine has no bridge, so a task has only its loopback). A task's backups are named by its stack and service, its
// `deploy.labels` are read through the manager's services API, and a forced reschedule (a new task container)
// keeps the same name, staging directory, remote directory and history.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { repoRoot } from '../src/paths.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureImage } from '../src/index.js';
import { secondEngine, type SecondEngine } from '../src/second-engine.js';
import { backupNow, dataFiles, journalEntries, partials, sleep, startCtl, useCtlCleanup, waitDiscovered, type Ctl } from './pipeline-fixtures.js';
import { expectOk, runCli } from './restore-fixtures.js';

useCtlCleanup();

let engine: SecondEngine | undefined;
let ctl: Ctl | undefined;
afterEach(async () => {
  await ctl?.stop();
  ctl = undefined;
  if (engine?.pid !== undefined) await engine.docker.swarmLeave({ force: true }).catch(() => undefined);
  await engine?.destroy();
  engine = undefined;
});

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await f().catch((err: unknown) => void (last = err));
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(250);
  }
}

/** A Swarm of one manager, its control plane on loopback only. */
export async function startSwarm(root: string): Promise<SecondEngine> {
  const e = secondEngine(root);
  await e.start();
  await e.docker.swarmInit({ ListenAddr: '127.0.0.1:23770', AdvertiseAddr: '127.0.0.1:23770', ForceNewCluster: false });
  return e;
}

/** The running task containers of a service on this node. */
async function tasks(d: Docker, service: string): Promise<Docker.ContainerInfo[]> {
  return d.listContainers({ filters: { label: [`com.docker.swarm.service.name=${service}`] } });
}

/** A service as `docker stack deploy` makes it: namespace labels on the service and its tasks, `deploy.labels` on the service only. */
export async function createStackService(d: Docker, o: { stack: string; service: string; image: string; containerLabels: Record<string, string>; serviceLabels: Record<string, string>; volume: string; replicas?: number; cmd: string[] }): Promise<string> {
  const ns = { 'com.docker.stack.namespace': o.stack };
  const created = (await d.createService({
    Name: `${o.stack}_${o.service}`,
    Labels: { ...ns, ...o.serviceLabels },
    TaskTemplate: {
      ContainerSpec: {
        Image: o.image,
        Command: o.cmd,
        Labels: { ...ns, ...o.containerLabels },
        Mounts: [{ Type: 'volume', Source: o.volume, Target: '/data', VolumeOptions: { Labels: ns } }],
        StopGracePeriod: 2_000_000_000,
      },
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    Mode: { Replicated: { Replicas: o.replicas ?? 1 } },
  } as unknown as Docker.CreateServiceOptions)) as { id?: string; ID?: string };
  return created.id ?? created.ID!;
}

/** `docker service update --force`: a new task replaces the running one. */
async function forceUpdate(d: Docker, id: string): Promise<void> {
  const s = d.getService(id);
  const info = (await s.inspect()) as { Version: { Index: number }; Spec: { TaskTemplate: { ForceUpdate?: number } } };
  const spec = { ...info.Spec, TaskTemplate: { ...info.Spec.TaskTemplate, ForceUpdate: (info.Spec.TaskTemplate.ForceUpdate ?? 0) + 1 } };
  await s.update({ ...spec, version: info.Version.Index } as unknown as Docker.ServiceSpec & { version: number });
}

const IDLE = ['sh', '-c', `mkdir -p /data && [ -f /data/app.txt ] || echo "written once by the first task" > /data/app.txt; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];

describe('Swarm mode on a single-node Swarm (private engine)', () => {
  it('names a task\'s backups by stack and service, reads deploy.labels, and keeps the name across a forced reschedule', { timeout: 300_000 }, async () => {
    engine = await startSwarm('/tmp/baqup-e2e-swarm-naming');
    const base = await ensureImage('base');
    await engine.loadImage(base);
    const stack = `e2e${Date.now().toString(36)}`;
    const service = `${stack}_app`;
    // backup.enabled on the task's own labels; the target only in deploy.labels (the service's), read through the manager.
    const id = await createStackService(engine.docker, {
      stack, service: 'app', image: base, volume: `${stack}_data`, cmd: IDLE,
      containerLabels: { 'backup.enabled': 'true' },
      serviceLabels: { 'backup.fs.data.path': '/data' },
    });
    const first = await until('first task running', async () => (await tasks(engine!.docker, service))[0], 120_000);
    expect(first.Names[0]).toMatch(new RegExp(`^/${service}\\.1\\.`));

    ctl = await startCtl({
      // What deploy/swarm/baqup.yml sets from {{.Node.Hostname}}: this node's own tree on the shared remote.
      env: { DOCKER_HOST: engine.host, BAQUP_HOSTNAME: 'node-a' },
      config: { defaults: { schedules: { manual: { cron: '0 0 1 1 *', retention: 10 } }, target: { schedule: 'manual' } } },
    });
    await waitDiscovered(ctl, service, 1);
    const view = (await ctl.get('/api/containers')).body.find((c: { name: string }) => c.name === service);
    expect(view.id).toBe(first.Id);
    expect(view.errors).toEqual([]);
    expect(view.targets.map((t: { type: string; instance: string }) => `${t.type}-${t.instance}`)).toEqual(['fs-data']);

    const one = await backupNow(ctl, service, 'fs-data');
    expect(one.job.status, JSON.stringify(one.job)).toBe('succeeded');
    expect(one.job.path).toContain(`/${service}/fs-data/`);

    // A forced reschedule: a new task container, a new name; the backup name stays the service's.
    await forceUpdate(engine.docker, id);
    const second = await until('a new task running', async () => (await tasks(engine!.docker, service)).find((t) => t.Id !== first.Id), 120_000);
    expect(second.Names[0]).not.toBe(first.Names[0]);
    await until('discovery follows the new task', async () => {
      const list = (await ctl!.get('/api/containers')).body as { id: string; name: string; targets: unknown[] }[];
      const mine = list.filter((c) => c.name === service);
      return mine.length === 1 && mine[0]!.id === second.Id && mine[0]!.targets.length === 1 ? true : undefined;
    }, 60_000);
    await sleep(1_100); // a new second: a backup's timestamp has one-second resolution
    const two = await backupNow(ctl, service, 'fs-data');
    expect(two.job.status, JSON.stringify(two.job)).toBe('succeeded');

    // Both backups in one staging directory, one remote directory under the host's tree, one history.
    expect(dataFiles(ctl.staging, service, 'fs-data')).toHaveLength(2);
    await until('both uploaded', async () => (dataFiles(ctl!.remote, service, 'fs-data').length === 2 ? true : undefined), 60_000);
    expect(ctl.remote).toMatch(/\/node-a$/);
    const runs = await until('two runs in history', async () => {
      const r = await ctl!.get(`/api/runs?container=${encodeURIComponent(service)}&target=fs-data`);
      const items = r.body?.runs as { status?: string }[] | undefined;
      return items && items.length >= 2 ? items : undefined;
    }, 30_000);
    expect(runs.length).toBe(2);

    // A restore by the service's name lands in the task running now (dry run: the plan names the task container).
    const env = { DOCKER_HOST: engine.host, BAQUP_DATA_DIR: join(ctl.root, 'data'), BAQUP_API_URL: `http://${ctl.api}` };
    const plan = expectOk(await runCli(['restore', service, 'fs-data', '--dry-run', '--json', '--config', join(ctl.root, 'config.yml')], env));
    const report = JSON.parse(plan.stdout) as { container: string; into: string };
    expect(report.container).toBe(service);
    expect(report.into).toBe(second.Names[0]!.replace(/^\//, ''));
  });

  it('backup.stop=true scales a replicated service to 0 and back to its exact count, also after a SIGKILL of baqup mid-backup', { timeout: 420_000 }, async () => {
    engine = await startSwarm('/tmp/baqup-e2e-swarm-scale');
    const base = await ensureImage('base');
    await engine.loadImage(base);
    const stack = `e2e${Date.now().toString(36)}`;
    const service = `${stack}_files`;
    const cmd = ['sh', '-c', `mkdir -p /data && echo kept > /data/app.txt; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];
    const id = await createStackService(engine.docker, {
      stack, service: 'files', image: base, volume: `${stack}_data`, cmd, replicas: 2,
      containerLabels: { 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.data.path': '/data' },
      serviceLabels: {},
    });
    const replicas = async () => ((await engine!.docker.getService(id).inspect()) as { Spec: { Mode: { Replicated: { Replicas: number } } } }).Spec.Mode.Replicated.Replicas;
    await until('two tasks running', async () => ((await tasks(engine!.docker, service)).length === 2 ? true : undefined), 120_000);
    // The engine's service events: every scale is an update of the service.
    const events: { action: string; attributes: Record<string, string> }[] = [];
    const stream = (await engine.docker.getEvents({ filters: { type: ['service'] } })) as NodeJS.ReadableStream & { destroy(): void };
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const e = JSON.parse(line) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> } };
        if (e.Actor.ID === id) events.push({ action: e.Action, attributes: e.Actor.Attributes });
      }
    });
    try {
      const config = { defaults: { schedules: { manual: { cron: '0 0 1 1 *', retention: 10 } }, target: { schedule: 'manual' } } };
      ctl = await startCtl({ env: { DOCKER_HOST: engine.host, BAQUP_HOSTNAME: 'node-a' }, config });
      await waitDiscovered(ctl, service, 1);
      await waitDiscovered(ctl, `${service}.2`, 1);

      // A backup to its end: scaled to 0 while the copy is taken (from the stand-in), back to 2 after.
      const seen: number[] = [];
      const watch = setInterval(() => void replicas().then((r) => (seen.at(-1) === r ? undefined : seen.push(r)), () => undefined), 100);
      const one = await backupNow(ctl, service, 'fs-data').finally(() => clearInterval(watch));
      expect(one.job.status, JSON.stringify(one.job)).toBe('succeeded');
      expect(seen).toContain(0);
      expect(await replicas()).toBe(2);
      await until('two tasks running again', async () => ((await tasks(engine!.docker, service)).length === 2 ? true : undefined), 120_000);
      expect(ctl.logs().find((l) => l.event === 'container.stopped' && l.container === service)).toMatchObject({ replicas: 2 });
      expect(ctl.logs().find((l) => l.event === 'container.started' && l.container === service)).toMatchObject({ replicas: 2 });
      expect(journalEntries(ctl.root)).toEqual([]);
      // No stand-in left behind.
      expect((await engine.docker.listContainers({ all: true, filters: { label: ['baqup.standin'] } })).length).toBe(0);

      // SIGKILL mid cold copy: the service stays at 0 until the next start replays the journal. Sparse gigabytes
      // in the volume make the copy stream long enough to kill baqup in the middle of it.
      const task = (await tasks(engine.docker, service))[0]!;
      const exec = await engine.docker.getContainer(task.Id).exec({ Cmd: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do truncate -s 1G /data/f$i; done'], AttachStdout: true, AttachStderr: true });
      const out = await exec.start({});
      await new Promise((r) => out.on('end', r).resume());
      const root = ctl.root;
      const accepted = await ctl.post('/api/backups', { container: service, target: 'fs-data' });
      expect(accepted.status).toBe(202);
      await until('scaled to 0 by the second backup', async () => ((await replicas()) === 0 ? true : undefined), 120_000);
      await until('the copy is streaming', async () => (partials(ctl!.staging).length > 0 ? true : undefined), 60_000);
      const entry = journalEntries(root)[0] as { service?: { replicas: number } } | undefined;
      expect(entry?.service?.replicas).toBe(2);
      ctl.kill('SIGKILL');
      await ctl.exit;
      await sleep(2_000);
      expect(await replicas()).toBe(0);
      ctl = await startCtl({ root, env: { DOCKER_HOST: engine.host, BAQUP_HOSTNAME: 'node-a' } });
      await until('replica count restored by the journal replay', async () => ((await replicas()) === 2 ? true : undefined), 60_000);
      await until('two tasks running after the replay', async () => ((await tasks(engine!.docker, service)).length === 2 ? true : undefined), 120_000);
      await until('journal cleared', async () => (journalEntries(root).length === 0 ? true : undefined), 30_000);
      expect((await engine.docker.listContainers({ all: true, filters: { label: ['baqup.standin'] } })).length).toBe(0);
    } finally {
      stream.destroy();
    }
    // Each scale is a service update the engine broadcast: 2 → 0 → 2, twice (the second 0 → 2 by the replay).
    const updates = events.filter((e) => e.action === 'update');
    expect(updates.length, JSON.stringify(events)).toBeGreaterThanOrEqual(4);
    const counts = updates.filter((e) => e.attributes['replicas.new'] !== undefined).map((e) => `${e.attributes['replicas.old']}→${e.attributes['replicas.new']}`);
    expect(counts, JSON.stringify(events)).toEqual(['2→0', '0→2', '2→0', '0→2']);
  });

  it('deploy/swarm/baqup.yml is a stack file the docker CLI resolves: global per node, node host name, one maintainer', () => {
    // `docker stack config` resolves the file as `docker stack deploy` would, without an engine.
    const r = spawnSync('docker', ['stack', 'config', '-c', join(repoRoot, 'deploy/swarm/baqup.yml')], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    // The resolved file's service blocks (two-space indented names under `services:`), read as text.
    const services = r.stdout.slice(r.stdout.indexOf('\nservices:\n'), r.stdout.search(/\n(volumes|configs|secrets):\n/));
    const blocks = new Map(services.split(/\n(?= {2}\S)/).slice(1).map((b) => [b.trim().split(':')[0]!, b] as const));
    expect([...blocks.keys()].sort()).toEqual(['baqup', 'baqup-maintainer']);
    for (const [name, b] of blocks) {
      expect(b, name).toMatch(/\n {6}mode: global\n/);
      expect(b, name).toMatch(/\n {4}hostname: '\{\{\.Node\.Hostname\}\}'\n/);
      expect(b, name).toMatch(/\n {6}BAQUP_HOSTNAME: '\{\{\.Node\.Hostname\}\}'\n/);
      expect(b, name).toMatch(/- type: bind\n {8}source: \/var\/run\/docker\.sock\n {8}target: \/var\/run\/docker\.sock\n/);
      expect(b, name).toMatch(/- type: volume\n {8}source: baqup-data\n {8}target: \/data(\n|$)/);
    }
    // Exactly one node maintains a shared restic repository: the one labelled baqup.maintainer=true.
    expect(blocks.get('baqup')).toMatch(/BAQUP_RESTIC_MAINTENANCE: "false"[\s\S]*- node\.labels\.baqup\.maintainer != true(\n|$)|- node\.labels\.baqup\.maintainer != true\n[\s\S]*BAQUP_RESTIC_MAINTENANCE: "false"/);
    expect(blocks.get('baqup-maintainer')).toMatch(/- node\.labels\.baqup\.maintainer == true(\n|$)/);
    expect(blocks.get('baqup-maintainer')).toMatch(/BAQUP_RESTIC_MAINTENANCE: "true"/);
    expect(r.stdout).toMatch(/\nvolumes:\n {2}baqup-data: \{\}\n/);
  });
});
