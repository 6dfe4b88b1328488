// POST /api/restores into a NEW container (create: true), against the BUILT controller and a real postgres: baqup
// creates the container like the one backed up (its image, command and env; network none, no ports, fresh volumes,
// labels without backup.*), loads the backup into it and leaves it running; the rows come back (checksum, read by
// docker exec only) and the source is untouched. A dry run creates nothing; a name that exists, or one Docker
// would not take, is refused and creates nothing.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { docker, ensureImage, psql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { startBaqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

const TOKEN = 'restore-e2e-token'; // startBaqup's
const SUM = "SELECT count(*) || ':' || md5(string_agg(id || '=' || name, '|' ORDER BY id)) FROM items";

async function exists(name: string): Promise<boolean> {
  try {
    await docker().getContainer(name).inspect();
    return true;
  } catch {
    return false;
  }
}

describe('restore into a new container', () => {
  it('creates the container like the source, restores into it, and reports its name; the source is untouched', async () => {
    const baqup = await startBaqup({ api: { listen: '127.0.0.1:0', token: TOKEN, allow_restore: true } });
    const pg = await startContainer({
      image: await ensureImage('postgres'),
      env: { POSTGRES_PASSWORD: `pg-${randomBytes(6).toString('hex')}` },
      labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD', 'backup.postgres.main.databases': 'a' },
    });
    await psql(pg, 'CREATE DATABASE a;');
    await psql(pg, 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 2000) g;', 'a');
    const want = await psql(pg, SUM, 'a');
    expect(want).toMatch(/^2000:/);
    await baqup.waitTargets(pg.name, 1);
    await baqup.backup(pg.name);
    // Changed after the backup: the new container must have the backup's rows, the source keeps its own.
    await psql(pg, 'DELETE FROM items WHERE id > 100', 'a');
    const sourceNow = await psql(pg, SUM, 'a');

    const name = `${pg.name}-restored`;
    const post = (body: Record<string, unknown>) =>
      fetch(`http://${baqup.ctl.api}/api/restores`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ container: pg.name, target: 'postgres-main', ...body }),
        signal: AbortSignal.timeout(300_000),
      });
    try {
      // The plan first: it names the new container and what it will be; nothing is created.
      const plan = await post({ into: name, create: true, dryRun: true });
      expect(plan.status).toBe(200);
      const planned = (await plan.json()) as { into: string; steps: string[] };
      expect(planned.into).toBe(name);
      expect(planned.steps.join('\n')).toContain(`create the container ${name} like ${pg.name}`);
      expect(planned.steps.join('\n')).toContain('network none');
      expect(await exists(name)).toBe(false);

      // A name that exists is refused, and nothing is touched.
      const taken = await post({ into: pg.name, create: true, confirm: true });
      expect(taken.status).toBe(409);
      expect(await taken.json()).toMatchObject({ code: 'BAQUP_RESTORE_REFUSED' });
      const bad = await post({ into: 'no/slashes', create: true, confirm: true });
      expect(bad.status).toBe(400);
      expect(await psql(pg, SUM, 'a')).toBe(sourceNow);

      const res = await post({ into: name, create: true, confirm: true });
      const report = (await res.json()) as { into: string; created?: { name: string; id: string }; safety?: { taken: boolean; why?: string }; done: string[] };
      expect(res.status, JSON.stringify(report)).toBe(200);
      expect(report.into).toBe(name);
      expect(report.created?.name).toBe(name);
      expect(report.safety).toMatchObject({ taken: false, why: expect.stringContaining('new container') });

      const info = await docker().getContainer(name).inspect();
      expect(info.State.Running).toBe(true);
      expect(info.Image).toBe((await pg.container.inspect()).Image);
      expect(info.HostConfig.NetworkMode).toBe('none');
      expect(Object.keys(info.Config.Labels).filter((k) => k.startsWith('backup.'))).toEqual([]);
      expect(info.Config.Labels['baqup.restored-from']).toBe(`${pg.name}/postgres-main`);
      // The source's volumes are not the new one's: its data is its own.
      const sourceVolumes = new Set(((await pg.container.inspect()).Mounts ?? []).map((m) => m.Name ?? m.Source));
      for (const m of info.Mounts ?? []) expect(sourceVolumes.has(m.Name ?? m.Source)).toBe(false);

      const restored: TestContainer = { ...pg, id: info.Id, name, container: docker().getContainer(info.Id) };
      expect(await psql(restored, SUM, 'a')).toBe(want);
      expect(await psql(pg, SUM, 'a')).toBe(sourceNow);
      // baqup does not back the new container up: it is not among its labelled containers.
      const containers = (await (await fetch(`http://${baqup.ctl.api}/api/containers`)).json()) as Array<{ name: string }>;
      expect(containers.map((c) => c.name)).not.toContain(name);
    } finally {
      await docker().getContainer(name).remove({ force: true, v: true }).catch(() => {});
    }
  }, 420_000);
});
