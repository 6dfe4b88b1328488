// Live discovery against the real engine, through the BUILT controller as a child process and its HTTP API.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { removeContainers } from '../src/containers.js';
import { LABEL_E2E, LABEL_PID, LABEL_RUN, LABEL_STARTED } from '../src/run.js';
import { startControllerProcess, useControllerCleanup, type ContainerEntry, type ControllerProcess } from '../src/controller-process.js';

useCleanup();
useControllerCleanup();

// A sleeper that stops at once on SIGTERM (sh as pid 1 ignores TERM unless trapped).
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];
const prefix = `e2e-${runId}-live-`;
const mine = (list: ContainerEntry[]) => list.filter((c) => c.name.startsWith(prefix));
const byName = (list: ContainerEntry[], name: string) => list.filter((c) => c.name === name);

let base: string;
let ctl: ControllerProcess;
/** Containers created outside startContainer (the compose-style re-create); removed at the end whatever happens. */
const extra: { id: string }[] = [];

beforeAll(async () => {
  base = await ensureImage('base');
  ctl = await startControllerProcess({ resyncInterval: 2 });
});
afterAll(async () => {
  await removeContainers(extra);
});

describe('live discovery (real engine, built controller)', () => {
  it('shows a labelled container after docker run and drops it after stop and after removal', async () => {
    const a = await startContainer({ image: base, name: `${prefix}a`, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } });
    const b = await startContainer({ image: base, name: `${prefix}b`, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } });
    // An unlabelled container is never shown.
    const plain = await startContainer({ image: base, name: `${prefix}plain`, cmd: SLEEPER });
    const seen = await ctl.waitFor((l) => byName(l, a.name).length === 1 && byName(l, b.name).length === 1, 60_000);
    const entry = byName(seen, a.name)[0]!;
    expect(entry.id).toBe(a.id);
    expect(entry.errors).toEqual([]);
    expect(entry.targets.map((t) => [t.type, t.instance, t.path])).toEqual([['fs', 'data', '/data']]);
    expect(seen.some((c) => c.name === plain.name)).toBe(false);
    expect((await ctl.getJson<ContainerEntry>(`/api/containers/${a.name}`)).id).toBe(a.id);

    await a.container.remove({ force: true });
    await ctl.waitFor((l) => byName(l, a.name).length === 0, 60_000);
    expect((await ctl.request(`/api/containers/${a.name}`)).status).toBe(404);
    await b.container.stop();
    const after = await ctl.waitFor((l) => byName(l, b.name).length === 0, 60_000);
    expect(mine(after).map((c) => c.name)).toEqual([]);
    const events = ctl.logs().filter((l) => l.container === a.name).map((l) => l.event);
    expect(events).toContain('container.discovered');
    expect(events).toContain('container.removed');
  });

  it('a compose-style re-create leaves exactly one entry with the new id', async () => {
    const app = `${prefix}app`;
    const labels = { 'backup.enabled': 'true', 'backup.fs.config.path': '/config' };
    const old = await startContainer({ image: base, name: app, cmd: SLEEPER, labels });
    await ctl.waitFor((l) => byName(l, app).some((c) => c.id === old.id), 60_000);

    // What `docker compose up` does on a config change: create under a temp name, stop and remove the old one,
    // rename the new one, start it.
    const tmpName = `${old.id.slice(0, 12)}_${app}`;
    const next = await docker().createContainer({
      name: tmpName,
      Image: base,
      Cmd: SLEEPER,
      Labels: { ...labels, [LABEL_E2E]: '1', [LABEL_RUN]: runId, [LABEL_PID]: String(process.pid), [LABEL_STARTED]: String(Date.now()) },
      HostConfig: { NetworkMode: 'none' },
    });
    extra.push({ id: next.id });
    await old.container.stop({ t: 10 });
    await old.container.remove();
    await next.rename({ name: app });
    await next.start();

    const list = await ctl.waitFor((l) => byName(l, app).length === 1 && byName(l, app)[0]!.id === next.id, 60_000);
    expect(list.some((c) => c.name === tmpName || c.id === old.id)).toBe(false);
    // Still exactly one after full re-lists (resync_interval is 2 s; the controller logs no line per re-list, so
    // this waits for two intervals to have passed).
    await new Promise((r) => setTimeout(r, 4_500));
    const later = await ctl.containers();
    expect(byName(later, app).map((c) => c.id)).toEqual([next.id]);
    expect(later.some((c) => c.name === tmpName || c.id === old.id)).toBe(false);
    expect((await ctl.getJson<ContainerEntry>(`/api/containers/${app}`)).id).toBe(next.id);
  });

  it('shows malformed labels with their errors while a valid neighbour keeps working', async () => {
    const typo = await startContainer({
      image: base,
      name: `${prefix}typo`,
      cmd: SLEEPER,
      labels: { 'backup.enabled': 'true', 'backup.postgress.main.port': '5432', 'backup.fs.data.path': '/data' },
    });
    const maybe = await startContainer({ image: base, name: `${prefix}maybe`, cmd: SLEEPER, labels: { 'backup.enabled': 'maybe', 'backup.fs.data.path': '/data' } });
    const good = await startContainer({ image: base, name: `${prefix}good`, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } });
    const list = await ctl.waitFor((l) => [typo, maybe, good].every((c) => byName(l, c.name).length === 1), 60_000);

    const t = byName(list, typo.name)[0]!;
    expect(t.errors).toEqual([expect.objectContaining({ label: 'backup.postgress.main.port', value: '5432', suggestion: 'backup.postgres.main.port' })]);
    // The misspelled target is dropped; the container's valid target is kept.
    expect(t.targets.map((x) => x.key)).toEqual([`${typo.name}/fs-data`]);

    const m = byName(list, maybe.name)[0]!;
    expect(m.errors).toEqual([expect.objectContaining({ label: 'backup.enabled', value: 'maybe' })]);
    expect(m.errors[0]!.expected).toBeTruthy();
    expect(m.targets).toEqual([]); // not enabled: nothing would be backed up, and the API says why

    const g = byName(list, good.name)[0]!;
    expect(g.errors).toEqual([]);
    expect(g.targets.map((x) => x.key)).toEqual([`${good.name}/fs-data`]);

    const invalid = ctl.logs().filter((l) => l.event === 'container.invalid' && l.container === typo.name);
    expect(invalid.map((l) => l.label)).toEqual(['backup.postgress.main.port']);
  });

  it('never shows a secret: not in any API answer, not in the logs', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const typoed = `tp-${randomBytes(12).toString('hex')}`;
    const pg = await startContainer({
      image: await ensureImage('postgres'),
      name: `${prefix}pg`,
      env: { POSTGRES_PASSWORD: password },
      labels: {
        'backup.enabled': 'true',
        'backup.postgres.main.databases': 'all',
        // A misspelled credential key: reported as an error, its value never echoed.
        'backup.postgres.other.passwrd': typoed,
      },
    });
    const list = await ctl.waitFor((l) => byName(l, pg.name).length === 1, 60_000);
    const entry = byName(list, pg.name)[0]!;
    expect(entry.targets.map((x) => x.key)).toEqual([`${pg.name}/postgres-main`]);
    expect(entry.errors).toEqual([expect.objectContaining({ label: 'backup.postgres.other.passwrd', value: '[redacted]' })]);

    const answers = await Promise.all(['/api/containers', `/api/containers/${pg.name}`, '/api/events', '/api/status'].map((p) => ctl.request(p)));
    for (const a of answers) expect(a.status).toBe(200);
    const everything = answers.map((a) => a.text).join('\n') + ctl.output();
    expect(everything).toContain(pg.name); // the haystack is the real one
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(typoed);
    expect(ctl.invalidLines()).toEqual([]);
  });

  it('never echoes a password written into the wrong label (password_env, password_file)', async () => {
    // Shaped like a variable name and like a path could not be: what a user pastes when they mix up the labels.
    const inEnvLabel = `hunter2${randomBytes(6).toString('hex')}`;
    const inFileLabel = `pw-${randomBytes(12).toString('hex')}`;
    const pg = await startContainer({
      image: await ensureImage('postgres'),
      name: `${prefix}wrong-label`,
      env: { POSTGRES_PASSWORD: 'unused-here' },
      labels: {
        'backup.enabled': 'true',
        'backup.postgres.main.password_env': inEnvLabel,
        'backup.postgres.other.password_file': inFileLabel,
      },
    });
    const list = await ctl.waitFor((l) => byName(l, pg.name).length === 1, 60_000);
    const entry = byName(list, pg.name)[0]!;
    // Both targets are refused, naming the label, and the value is shown as [redacted].
    expect(entry.targets).toEqual([]);
    expect(entry.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: 'backup.postgres.main.password_env', value: '[redacted]' }),
        expect.objectContaining({ label: 'backup.postgres.other.password_file', value: '[redacted]' }),
      ]),
    );
    const answers = await Promise.all(['/api/containers', `/api/containers/${pg.name}`, '/api/events', '/api/status'].map((p) => ctl.request(p)));
    for (const a of answers) expect(a.status).toBe(200);
    const everything = answers.map((a) => a.text).join('\n') + ctl.output();
    expect(everything).toContain('backup.postgres.main.password_env'); // the error is there…
    expect(everything).not.toContain(inEnvLabel); // …its value is not
    expect(everything).not.toContain(inFileLabel);
  });
});
