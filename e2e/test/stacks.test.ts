// Backup groups against the real engine, with a compose-like project made through the API (the labels docker compose
// sets: com.docker.compose.project/service/depends_on; network none): a postgres "db" and an fs "app" that depends
// on it. The BUILT controller runs the group on its schedule (db dumped hot, then app and db stopped in that order,
// app copied cold, db and app started in that order, a group manifest written); the BUILT CLI restores the group
// from that set after damage, stopping and starting it in order, with safety copies. Orders are read from Docker's
// own events. A controller SIGKILLed while the group is down, and one SIGTERMed then, start it again in start order.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureImage, execIn, psql, runId, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { recordEvents, until } from './dump-fixtures.js';
import { journalEntries, startCtl, TOKEN, useCtlCleanup, waitDiscovered, type Ctl } from './pipeline-fixtures.js';
import { expectOk, fileSha, running, runCli } from './restore-fixtures.js';

useCleanup();
useCtlCleanup();

// Its files are made once (a restart keeps them, as an app's data would be).
const APP = ['sh', '-c', "mkdir -p /data && { [ -f /data/b.bin ] || { echo hello > /data/a.txt && head -c 30000 /dev/urandom > /data/b.bin; }; } && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];
/** Ignores SIGTERM: `docker stop` takes its whole timeout (10 s) before the SIGKILL, a window with the group down. */
const STUBBORN = ['sh', '-c', "mkdir -p /data && echo db > /data/d.txt && trap '' TERM; while :; do sleep 1; done"];

const compose = (project: string, service: string, dependsOn?: string) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  ...(dependsOn ? { 'com.docker.compose.depends_on': `${dependsOn}:service_started:false` } : {}),
  'backup.enabled': 'true',
  'backup.stop': 'stack',
});

/** A 6-field cron that fires once, `seconds` from now (UTC: the config's timezone). */
function onceIn(seconds: number): string {
  const t = new Date(Date.now() + seconds * 1000);
  return `${t.getUTCSeconds()} ${t.getUTCMinutes()} ${t.getUTCHours()} * * *`;
}
// The schedule is the config's, under a name only this run's controllers know: a controller of another test run on
// the same engine (they watch every labelled container) has no such schedule, so it never runs these groups.
const SCHED = `g${runId.replace(/[^a-z0-9]/gi, '')}`;
const groupConfig = (cron: string) => ({ timezone: 'UTC', defaults: { schedules: { [SCHED]: { cron, retention: 10 } } } });

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string };
}
/** `stop`/`start` of the given containers, in the engine's order, as `<name> <action>`. */
function stopsAndStarts(log: string, containers: TestContainer[]): string[] {
  const names = new Map(containers.map((c) => [c.id, c.name]));
  return log
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RawEvent)
    .filter((e) => e.Type === 'container' && names.has(e.Actor?.ID ?? '') && (e.Action === 'stop' || e.Action === 'start'))
    .map((e) => `${names.get(e.Actor!.ID!)} ${e.Action}`)
    // The engine publishes a container's own first start event just after its start call returned, so a recorder
    // begun right after startContainer may still see it (seen in CI: a leading "app start"): that start is the
    // test's setup, not the controller's. Every run the tests judge begins with a stop.
    .filter((_e, i, all) => i >= all.findIndex((x) => x.endsWith(' stop')));
}

/**
 * The group order in the engine's events: app's stop before db's, db's last start before app's, both ending started.
 * For the tests that signal or kill mid-stop, where the engine may add a stop/start of its own (a kill racing the
 * stop call); the exact sequence is in the message.
 */
function expectGroupOrder(seen: string[], db: TestContainer, app: TestContainer, context = ''): void {
  const first = (what: string) => seen.indexOf(what);
  const last = (what: string) => seen.lastIndexOf(what);
  const msg = `${context}\nengine: ${seen.join(', ')}`;
  expect(first(`${app.name} stop`), msg).toBeGreaterThanOrEqual(0);
  expect(first(`${app.name} stop`), msg).toBeLessThan(first(`${db.name} stop`));
  expect(last(`${db.name} start`), msg).toBeLessThan(last(`${app.name} start`));
  expect(last(`${db.name} start`), msg).toBeGreaterThan(last(`${db.name} stop`));
  expect(last(`${app.name} start`), msg).toBeGreaterThan(last(`${app.name} stop`));
}

const cli = (ctl: Ctl, args: string[]) => runCli([...args, '--config', join(ctl.root, 'config.yml')], { BAQUP_DATA_DIR: join(ctl.root, 'data'), BAQUP_API_URL: `http://${ctl.api}`, BAQUP_API_TOKEN: TOKEN });
const SUM = 'SELECT count(*) || \':\' || md5(string_agg(name, \',\' ORDER BY id)) FROM items';

describe('a compose project backed up and restored as one group (real engine, built controller and CLI)', () => {
  it('group backup in order → damage → restore --group → the data back, every member running, orders seen in Docker events', async () => {
    const project = `e2e-${runId}-shop`;
    const pw = `grp-${Date.now().toString(36)}`;
    const db = await startContainer({
      image: await ensureImage('postgres'),
      name: `${project}-db-1`,
      env: { POSTGRES_PASSWORD: pw },
      labels: { ...compose(project, 'db'), 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD', 'backup.postgres.main.schedule': SCHED },
    });
    await psql(db, 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 2000) g;');
    const app = await startContainer({
      image: await ensureImage('base'),
      name: `${project}-app-1`,
      cmd: APP,
      labels: { ...compose(project, 'app', 'db'), 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': SCHED },
    });
    const want = { sum: await psql(db, SUM), a: await fileSha(app, '/data/a.txt'), b: await fileSha(app, '/data/b.bin') };

    const backupEvents = await recordEvents();
    const ctl = await startCtl({ config: groupConfig(onceIn(25)) });
    await waitDiscovered(ctl, db.name, 1);
    await waitDiscovered(ctl, app.name, 1);
    const done = await ctl.waitForLog((l) => (l.event === 'group.succeeded' || l.event === 'group.failed') && l.group === project, 120_000);
    expect(done, JSON.stringify(done)).toMatchObject({ event: 'group.succeeded', group: project, schedule: SCHED });
    expect(ctl.logs().find((l) => l.event === 'group.started' && l.group === project)).toMatchObject({ group: project, members: ['db', 'app'] });
    // Hot first: the database dump started before the group's first stop.
    const at = (p: (l: (typeof lines)[number]) => boolean) => lines.findIndex(p);
    const lines = ctl.logs();
    const dbStarted = at((l) => l.event === 'job.started' && l.container === db.name);
    const firstStop = at((l) => l.event === 'container.stopped' && (l.container === db.name || l.container === app.name));
    expect(dbStarted).toBeGreaterThanOrEqual(0);
    expect(dbStarted).toBeLessThan(firstStop);
    expect(stopsAndStarts(await backupEvents.stop(), [db, app])).toEqual([`${app.name} stop`, `${db.name} stop`, `${db.name} start`, `${app.name} start`]);
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);

    // The set: one manifest naming both members' backups, in start order.
    const dir = join(ctl.staging, '.groups', project);
    const sets = readdirSync(dir).filter((f) => f.endsWith('.group.json'));
    expect(sets).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(join(dir, sets[0]!), 'utf8')) as { startOrder: string[]; members: { service: string; backups: { type: string; path: string; sha256: string }[] }[] };
    expect(manifest.startOrder).toEqual(['db', 'app']);
    expect(manifest.members.map((m) => [m.service, m.backups.map((b) => b.type)])).toEqual([['db', ['postgres']], ['app', ['fs']]]);
    for (const m of manifest.members) for (const b of m.backups) expect(readFileSync(join(ctl.staging, `${b.path}.sha256`), 'utf8')).toContain(b.sha256);

    // Damage both members.
    await psql(db, 'DELETE FROM items WHERE id > 10; UPDATE items SET name = \'x\';');
    expect((await execIn(app, ['sh', '-c', 'rm /data/a.txt && echo broken > /data/b.bin'])).exitCode).toBe(0);

    const dry = expectOk(await cli(ctl, ['restore', '--group', project, '--dry-run']));
    expect(dry.stdout).toContain('dry run, nothing touched');
    expect(dry.stdout).toContain('stop:    app → db');
    expect(dry.stdout).toContain('start:   db → app');
    expect(await psql(db, 'SELECT count(*) FROM items')).toBe('10');

    const restoreEvents = await recordEvents();
    const r = expectOk(await cli(ctl, ['restore', '--group', project, '--yes']));
    expect(r.stdout).toContain(`restored group ${project}`);
    expect(r.stdout.match(/to undo: baqup restore /g)).toHaveLength(2);
    expect({ sum: await psql(db, SUM), a: await fileSha(app, '/data/a.txt'), b: await fileSha(app, '/data/b.bin') }).toEqual(want);
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);
    // First the safety copies, taken while the group runs (the controller backs up running containers only): app's
    // cold fs copy stops app alone for a moment, as any backup.stop copy does; then the restore's own stop and start.
    expect(stopsAndStarts(await restoreEvents.stop(), [db, app])).toEqual([`${app.name} stop`, `${app.name} start`, `${app.name} stop`, `${db.name} stop`, `${db.name} start`, `${app.name} start`]);
    expect((await ctl.stop()).code).toBe(0);
  }, 300_000);

  it('a member backup that fails: no group manifest (group.failed names it), the group started again in order', async () => {
    const project = `e2e-${runId}-fail`;
    const image = await ensureImage('base');
    const db = await startContainer({ image, name: `${project}-db-1`, cmd: APP, labels: { ...compose(project, 'db'), 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': SCHED } });
    const app = await startContainer({ image, name: `${project}-app-1`, cmd: APP, labels: { ...compose(project, 'app', 'db'), 'backup.fs.gone.path': '/nowhere', 'backup.fs.gone.schedule': SCHED } });
    const events = await recordEvents();
    const ctl = await startCtl({ config: groupConfig(onceIn(20)) });
    await waitDiscovered(ctl, db.name, 1);
    await waitDiscovered(ctl, app.name, 1);
    const done = await ctl.waitForLog((l) => (l.event === 'group.succeeded' || l.event === 'group.failed') && l.group === project, 120_000);
    expect(done).toMatchObject({ event: 'group.failed', group: project, error: { code: 'BAQUP_GROUP_INCOMPLETE' } });
    expect((done.error as { message: string }).message).toContain(app.name);
    expect(existsSync(join(ctl.staging, '.groups', project))).toBe(false);
    // db's own backup succeeded and stays an ordinary backup.
    expect(ctl.logs().some((l) => l.event === 'job.succeeded' && l.container === db.name)).toBe(true);
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);
    expect(stopsAndStarts(await events.stop(), [db, app])).toEqual([`${app.name} stop`, `${db.name} stop`, `${db.name} start`, `${app.name} start`]);
    expect((await ctl.stop()).code).toBe(0);
  }, 240_000);
});

describe('a manual backup of a group member is its group run (real engine, built controller and CLI)', () => {
  it('baqup backup <db> runs the whole group: app stopped before db, db started before app, every member copied, one set; a named target alone still stops the group', async () => {
    const project = `e2e-${runId}-manual`;
    const image = await ensureImage('base');
    const db = await startContainer({ image, name: `${project}-db-1`, cmd: APP, labels: { ...compose(project, 'db'), 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': SCHED } });
    const app = await startContainer({ image, name: `${project}-app-1`, cmd: APP, labels: { ...compose(project, 'app', 'db'), 'backup.fs.files.path': '/data', 'backup.fs.files.schedule': SCHED } });
    // Their schedule fires on January 1st only: every run here is asked for.
    const ctl = await startCtl({ config: groupConfig('0 0 0 1 1 *') });
    await waitDiscovered(ctl, db.name, 1);
    await waitDiscovered(ctl, app.name, 1);

    // db is what app depends on: stopped alone, app would run without its database. Asked for db, the group runs.
    const events = await recordEvents();
    const r = expectOk(await cli(ctl, ['backup', db.name]));
    expect(r.stdout).toContain(`${db.name} is a member of backup group ${project}: the whole group runs as one set (2 jobs: ${db.name}/fs-data, ${app.name}/fs-files)`);
    expect(r.stdout).toMatch(new RegExp(`${db.name}/fs-data: succeeded`));
    expect(r.stdout).toMatch(new RegExp(`${app.name}/fs-files: succeeded`));
    expect(stopsAndStarts(await events.stop(), [db, app])).toEqual([`${app.name} stop`, `${db.name} stop`, `${db.name} start`, `${app.name} start`]);
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);
    const done = await ctl.waitForLog((l) => (l.event === 'group.succeeded' || l.event === 'group.failed') && l.group === project, 60_000);
    expect(done, JSON.stringify(done)).toMatchObject({ event: 'group.succeeded', trigger: 'manual' });
    const dir = join(ctl.staging, '.groups', project);
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { trigger: string; startOrder: string[]; members: { service: string; backups: { type: string; instance: string }[] }[] };
    const first = readdirSync(dir).filter((f) => f.endsWith('.group.json'));
    expect(first).toHaveLength(1);
    expect(read(first[0]!)).toMatchObject({ trigger: 'manual', startOrder: ['db', 'app'] });
    expect(read(first[0]!).members.map((m) => [m.service, m.backups.map((b) => b.instance)])).toEqual([['db', ['data']], ['app', ['files']]]);

    // One target named (API, waiting): only that backup, the group stopped and started in order around it all the same.
    const again = await recordEvents();
    const res = await fetch(`http://${ctl.api}/api/backups`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ container: app.name, target: 'fs-files', wait: true }) });
    const body = (await res.json()) as { group?: string; jobs: { target: string; status: string }[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ group: project, jobs: [{ target: `${app.name}/fs-files`, status: 'succeeded' }] });
    expect(body.jobs).toHaveLength(1);
    expect(stopsAndStarts(await again.stop(), [db, app])).toEqual([`${app.name} stop`, `${db.name} stop`, `${db.name} start`, `${app.name} start`]);
    const sets = readdirSync(dir).filter((f) => f.endsWith('.group.json')).sort();
    expect(sets).toHaveLength(2);
    expect(read(sets[1]!).members.map((m) => [m.service, m.backups.map((b) => b.instance)])).toEqual([['db', []], ['app', ['files']]]);
    expect((await ctl.stop()).code).toBe(0);
  }, 240_000);
});

describe('group sets off-host: uploaded next to their members, pruned with them, restored with staging lost', () => {
  it('two manual runs (retention.manual 1): the older set goes in staging and on the remote with its members; staging wiped; restore --group from the remote → data back, started db → app', async () => {
    const project = `e2e-${runId}-remote`;
    const image = await ensureImage('base');
    const db = await startContainer({ image, name: `${project}-db-1`, cmd: APP, labels: { ...compose(project, 'db'), 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': SCHED } });
    const app = await startContainer({ image, name: `${project}-app-1`, cmd: APP, labels: { ...compose(project, 'app', 'db'), 'backup.fs.files.path': '/data', 'backup.fs.files.schedule': SCHED } });
    const want = { db: await fileSha(db, '/data/b.bin'), app: await fileSha(app, '/data/b.bin'), a: await fileSha(app, '/data/a.txt') };
    const ctl = await startCtl({ config: { ...groupConfig('0 0 0 1 1 *'), retention: { manual: 1 } } });
    await waitDiscovered(ctl, db.name, 1);
    await waitDiscovered(ctl, app.name, 1);
    const sets = (root: string) => (existsSync(join(root, '.groups', project)) ? readdirSync(join(root, '.groups', project)).sort() : []);

    expectOk(await cli(ctl, ['backup', db.name]));
    const [first] = sets(ctl.staging).filter((f) => f.endsWith('.group.json'));
    expect(first).toBeDefined();
    // Stored next to the members, under the host (ADR 0007), and marked so in staging.
    expect(sets(ctl.remote)).toEqual([first]);
    expect(readFileSync(join(ctl.remote, '.groups', project, first!), 'utf8')).toBe(readFileSync(join(ctl.staging, '.groups', project, first!), 'utf8'));
    expect(sets(ctl.staging)).toEqual([first, `${first}.uploaded`]);
    expect(ctl.logs().some((l) => l.event === 'upload.succeeded' && l.group === project && l.set === first!.replace('.group.json', ''))).toBe(true);

    // The second run's backups replace the first's (manual retention keeps 1): the first set goes on both sides.
    await new Promise((r) => setTimeout(r, 1100));
    expectOk(await cli(ctl, ['backup', app.name]));
    const second = sets(ctl.remote);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first);
    expect(sets(ctl.staging)).toEqual([second[0], `${second[0]}.uploaded`]);
    expect(ctl.logs().filter((l) => l.event === 'prune.deleted' && l.group === project).map((l) => `${String(l.side)} ${String(l.set)}`).sort()).toEqual([`remote ${first!.replace('.group.json', '')}`, `staging ${first!.replace('.group.json', '')}`]);
    expect((await ctl.stop()).code).toBe(0);

    // Staging lost: only the remote holds the backups and the set.
    rmSync(ctl.staging, { recursive: true, force: true });
    const next = await startCtl({ root: ctl.root });
    await waitDiscovered(next, db.name, 1);
    await waitDiscovered(next, app.name, 1);
    expect((await execIn(db, ['sh', '-c', 'echo broken > /data/b.bin'])).exitCode).toBe(0);
    expect((await execIn(app, ['sh', '-c', 'rm /data/a.txt && echo broken > /data/b.bin'])).exitCode).toBe(0);

    const dry = expectOk(await cli(next, ['restore', '--group', project, '--dry-run']));
    expect(dry.stdout).toContain(`the set of ${second[0]!.replace('.group.json', '')}`);
    expect(dry.stdout.match(/ from remote/g)).toHaveLength(2);
    const events = await recordEvents();
    const r = expectOk(await cli(next, ['restore', '--group', project, '--yes']));
    expect(r.stdout).toContain(`restored group ${project}`);
    expect({ db: await fileSha(db, '/data/b.bin'), app: await fileSha(app, '/data/b.bin'), a: await fileSha(app, '/data/a.txt') }).toEqual(want);
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);
    // The safety copies first (each member stopped alone for its cold copy), then the group: app, db down; db, app up.
    expect(stopsAndStarts(await events.stop(), [db, app]).slice(-4)).toEqual([`${app.name} stop`, `${db.name} stop`, `${db.name} start`, `${app.name} start`]);
    expect((await next.stop()).code).toBe(0);
  }, 300_000);
});

describe('group sets in a restic repository', () => {
  it('staging keeps nothing (cleanup_after_upload): the set is a snapshot of its own, the older one forgotten with its members; restore --group reads it from the repository', async () => {
    const project = `e2e-${runId}-restic`;
    const image = await ensureImage('base');
    const db = await startContainer({ image, name: `${project}-db-1`, cmd: APP, labels: { ...compose(project, 'db'), 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': SCHED } });
    const app = await startContainer({ image, name: `${project}-app-1`, cmd: APP, labels: { ...compose(project, 'app', 'db'), 'backup.fs.files.path': '/data', 'backup.fs.files.schedule': SCHED } });
    const want = { db: await fileSha(db, '/data/b.bin'), app: await fileSha(app, '/data/b.bin'), a: await fileSha(app, '/data/a.txt') };
    const work = mkdtempSync(join(tmpdir(), 'baqup-e2e-grp-restic-'));
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, `restic-${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    try {
      const ctl = await startCtl({
        config: { ...groupConfig('0 0 0 1 1 *'), retention: { manual: 1 }, upload: { backend: 'restic', restic: { repository: join(work, 'repo'), password_file: passwordFile } }, staging: { cleanup_after_upload: true } },
      });
      await ctl.waitForLog((l) => l.event === 'restic.ready', 60_000);
      await waitDiscovered(ctl, db.name, 1);
      await waitDiscovered(ctl, app.name, 1);
      const setOf = (l: object) => String((l as { path?: unknown }).path).split('/').pop()!.replace('.group.json', '');
      expectOk(await cli(ctl, ['backup', db.name]));
      const first = setOf(ctl.logs().find((l) => l.event === 'group.succeeded' && l.group === project)!);
      expect(ctl.logs().some((l) => l.event === 'upload.succeeded' && l.group === project && l.set === first)).toBe(true);
      await new Promise((r) => setTimeout(r, 1100));
      expectOk(await cli(ctl, ['backup', db.name]));
      const second = setOf(ctl.logs().filter((l) => l.event === 'group.succeeded' && l.group === project).at(-1)!);
      expect(second).not.toBe(first);
      // Staging kept no set once it was stored (its members left with their upload); the first set was forgotten with its members.
      const pruned = ctl.logs().filter((l) => l.event === 'prune.deleted' && l.group === project).map((l) => `${String(l.side)} ${String(l.set)}`);
      expect(pruned).toEqual(expect.arrayContaining([`staging ${first}`, `staging ${second}`, `remote ${first}`]));
      expect(pruned).not.toContain(`remote ${second}`);
      expect(existsSync(join(ctl.staging, '.groups', project)) ? readdirSync(join(ctl.staging, '.groups', project)) : []).toEqual([]);
      expect((await ctl.stop()).code).toBe(0);

      rmSync(ctl.staging, { recursive: true, force: true });
      const next = await startCtl({ root: ctl.root });
      await next.waitForLog((l) => l.event === 'restic.ready', 60_000);
      await waitDiscovered(next, db.name, 1);
      await waitDiscovered(next, app.name, 1);
      const gone = await cli(next, ['restore', '--group', project, '--at', first, '--dry-run']);
      expect(gone.code, gone.stderr).toBe(1);
      expect(gone.stderr).toContain(`no group backup at ${first}`);
      expect((await execIn(db, ['sh', '-c', 'echo broken > /data/b.bin'])).exitCode).toBe(0);
      expect((await execIn(app, ['sh', '-c', 'rm /data/a.txt && echo broken > /data/b.bin'])).exitCode).toBe(0);
      const events = await recordEvents();
      const r = expectOk(await cli(next, ['restore', '--group', project, '--yes']));
      expect(r.stdout).toContain(`restored group ${project} to the set of ${second}`);
      expect({ db: await fileSha(db, '/data/b.bin'), app: await fileSha(app, '/data/b.bin'), a: await fileSha(app, '/data/a.txt') }).toEqual(want);
      expect(stopsAndStarts(await events.stop(), [db, app]).slice(-4)).toEqual([`${app.name} stop`, `${db.name} stop`, `${db.name} start`, `${app.name} start`]);
      expect((await next.stop()).code).toBe(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 420_000);
});

describe('a group stopped by the controller is started again in start order on every path', () => {
  async function stubbornGroup(tag: string) {
    const project = `e2e-${runId}-${tag}`;
    const image = await ensureImage('base');
    // db ignores SIGTERM: its stop lasts Docker's 10 s timeout, the controller is signalled meanwhile.
    const db = await startContainer({ image, name: `${project}-db-1`, cmd: STUBBORN, labels: { ...compose(project, 'db'), 'backup.fs.d.path': '/data', 'backup.fs.d.schedule': SCHED } });
    const app = await startContainer({ image, name: `${project}-app-1`, cmd: APP, labels: { ...compose(project, 'app', 'db'), 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': SCHED } });
    return { project, db, app };
  }

  it('a member killed mid-run (during its stop for the group): started again with the group, in order', async () => {
    const { project, db, app } = await stubbornGroup('killed');
    const events = await recordEvents();
    const ctl = await startCtl({ config: groupConfig(onceIn(20)) });
    await waitDiscovered(ctl, db.name, 1);
    await waitDiscovered(ctl, app.name, 1);
    await ctl.waitForLog((l) => l.event === 'container.stopped' && l.container === app.name, 90_000);
    await until('db journaled', async () => journalEntries(ctl.root).some((e) => e.containerId === db.id));
    await db.container.kill();
    const done = await ctl.waitForLog((l) => (l.event === 'group.succeeded' || l.event === 'group.failed') && l.group === project, 120_000);
    expect(done.event, JSON.stringify(done)).toBe('group.succeeded');
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);
    expect(journalEntries(ctl.root)).toEqual([]);
    expectGroupOrder(stopsAndStarts(await events.stop(), [db, app]), db, app);
    expect((await ctl.stop()).code).toBe(0);
  }, 240_000);

  it('SIGKILL while the group is down: the next start replays the journal, db before app', async () => {
    const { db, app } = await stubbornGroup('kill');
    const events = await recordEvents();
    const ctl = await startCtl({ config: groupConfig(onceIn(20)) });
    await waitDiscovered(ctl, db.name, 1);
    await waitDiscovered(ctl, app.name, 1);
    await ctl.waitForLog((l) => l.event === 'container.stopped' && l.container === app.name, 90_000);
    // db's stop is under way (it takes 10 s): the controller dies now, both journaled.
    await until('db journaled', async () => journalEntries(ctl.root).some((e) => e.containerId === db.id));
    ctl.kill('SIGKILL');
    await ctl.exit;
    await until('db down', async () => !(await running(db)));
    expect(await running(app)).toBe(false);
    const next = await startCtl({ root: ctl.root });
    await next.waitForLogs((l) => l.event === 'container.started' && (l.container === db.name || l.container === app.name), 2, 60_000);
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);
    const seen = stopsAndStarts(await events.stop(), [db, app]);
    const said = [...ctl.logs(), ...next.logs()].filter((l) => l.container === db.name || l.container === app.name).map((l) => `${l.time} ${l.event} ${l.container}`);
    expectGroupOrder(seen, db, app, said.join('\n'));
    expect((await next.stop()).code).toBe(0);
  }, 240_000);

  it('SIGTERM while the group is down: the controller starts db, then app, before it exits 0', async () => {
    const { project, db, app } = await stubbornGroup('term');
    const events = await recordEvents();
    const ctl = await startCtl({ config: groupConfig(onceIn(20)), env: { BAQUP_SHUTDOWN_HOLD_GRACE_MS: '1000' } });
    await waitDiscovered(ctl, db.name, 1);
    await waitDiscovered(ctl, app.name, 1);
    await ctl.waitForLog((l) => l.event === 'container.stopped' && l.container === app.name, 90_000);
    // db's stop under way (10 s): the shutdown's releaseAll waits for it, then starts db, then app.
    await until('db journaled', async () => journalEntries(ctl.root).some((e) => e.containerId === db.id));
    ctl.kill('SIGTERM');
    expect((await ctl.exit).code).toBe(0);
    expect(await running(db)).toBe(true);
    expect(await running(app)).toBe(true);
    expectGroupOrder(stopsAndStarts(await events.stop(), [db, app]), db, app);
    expect(ctl.logs().some((l) => l.event === 'group.succeeded' && l.group === project)).toBe(false);
  }, 240_000);
});
