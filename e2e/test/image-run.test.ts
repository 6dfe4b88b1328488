// The shipped image, run as a user would: the controller as the container's entrypoint with the engine's socket
// mounted, a read-only root filesystem, everything written under the /data volume. It discovers a labelled
// postgres container, backs it up to its local remote (/data/remote), reports healthy through the HEALTHCHECK's
// own command, and `docker exec … baqup restore` loads the backup into a fresh postgres. The API is only ever
// reached through `docker exec` (the container has no network).
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { docker, ensureImage, execIn, psql, runId, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { engineSocketPath, ensureBaqupImage } from './image-build.js';

useCleanup();

const PASSWORD = `pg-${randomBytes(9).toString('hex')}`;
const SUM = "SELECT count(*) || ':' || md5(string_agg(id || '=' || name, '|' ORDER BY id)) FROM items";
let pgImage: string;
let pg: TestContainer;
let baqup: TestContainer;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `baqup <args>` inside the baqup container, as `docker exec baqup baqup …` runs it. */
const cli = (...args: string[]) => execIn(baqup, ['baqup', ...args]);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(500);
  }
  const logs = await baqup.container.logs({ stdout: true, stderr: true, tail: 30 });
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\ncontroller log:\n${logs.toString('utf8')}`);
}

beforeAll(async () => {
  const [image, pgTag] = await Promise.all([ensureBaqupImage(), ensureImage('postgres')]);
  pgImage = pgTag;
  pg = await startContainer({
    image: pgImage,
    name: `e2e-${runId}-img-pg`,
    env: { POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: 'app' },
    labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD', 'backup.postgres.main.databases': 'all' },
  });
  await psql(pg, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 2000) g;", 'app');
  baqup = await startContainer({
    image,
    name: `e2e-${runId}-baqup`,
    binds: [`${engineSocketPath()}:/var/run/docker.sock`],
    hostConfig: { ReadonlyRootfs: true },
  });
}, 600_000);

describe('the baqup image', () => {
  it('carries the tools, the CLI on PATH and a HEALTHCHECK through `baqup healthcheck`', async () => {
    const info = await docker().getImage((await baqup.container.inspect()).Image).inspect();
    expect(info.Config.Healthcheck?.Test).toEqual(['CMD', 'baqup', 'healthcheck']);
    expect(info.Config.Entrypoint).toEqual(['tini', '--', 'baqup-entrypoint']);
    const tools = await execIn(baqup, ['sh', '-c', 'for t in baqup rclone restic zstd sqlite3; do command -v $t || exit 1; done; node --version']);
    expect(tools.exitCode, tools.stderr).toBe(0);
    expect(tools.stdout.trim().split('\n')).toHaveLength(6);
  });

  it('reports healthy once the controller is up', async () => {
    const r = await until('baqup healthcheck to exit 0', async () => {
      const h = await cli('healthcheck');
      return h.exitCode === 0 ? h : undefined;
    });
    expect(r.stdout.trim()).toBe('ready');
    // The controller is PID 1's child (tini reaps orphans), and the root filesystem is read-only.
    const ps = await execIn(baqup, ['sh', '-c', 'cat /proc/1/comm; touch /probe 2>&1; echo rc=$?']);
    expect(ps.stdout).toMatch(/^tini\n/);
    expect(ps.stdout).toMatch(/Read-only file system[\s\S]*rc=1/);
  });

  it('discovers the labelled postgres container', async () => {
    const plan = await until('the postgres target in `baqup plan`', async () => {
      const p = await cli('plan');
      return p.stdout.includes(pg.name) ? p.stdout : undefined;
    });
    const section = plan.slice(plan.indexOf(pg.name));
    expect(section).toMatch(/postgres-main\s+postgres databases=all/);
  });

  it('backs it up to the remote under /data, verified', async () => {
    const r = await cli('backup', pg.name, 'postgres-main', '--json');
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const jobs = (JSON.parse(r.stdout) as { jobs: Array<{ status: string; path?: string; bytes?: number }> }).jobs;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.status).toBe('succeeded');
    expect(jobs[0]!.bytes).toBeGreaterThan(1000);
    // No host set in the image: the controller's remote directory is the engine's host name (docker info), not
    // the container's own hostname (its id, new on every recreate).
    const engine = ((await docker().info()) as { Name: string }).Name;
    expect(engine).not.toBe('');
    const ls = await execIn(baqup, ['sh', '-c', `cd /data/remote/${engine}/${pg.name}/postgres-main && ls && sha256sum -c *.sha256`]);
    expect(ls.exitCode, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/^\d{8}T\d{6}Z\.sql\.zst$/m);
    expect(ls.stdout).toMatch(/: OK$/m);
  });

  it('restores it with `docker exec baqup baqup restore` into a fresh postgres', async () => {
    // The same password, as when a lost container is re-created from its compose file.
    const fresh = await startContainer({ image: pgImage, env: { POSTGRES_PASSWORD: PASSWORD } });
    const r = await cli('restore', pg.name, 'postgres-main', '--into', fresh.name, '--from', 'remote', '--yes');
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(await psql(fresh, SUM, 'app')).toBe(await psql(pg, SUM, 'app'));
  });
});
