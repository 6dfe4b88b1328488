// `baqup suggest --running` as a user runs it (the BUILT CLI) against the shared engine, and discovery's SQLite
// search on real containers: a postgres container gets its password mapped by name, a sqlite app its database
// file found on its volume (by `find` through exec, and by the archive walk when the image has no `find`).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDockerClient } from '@baqup/docker';
import { findSqliteFiles, suggestForContainer } from '@baqup/discovery';
import { ensureImage, execIn, execOk, runId, sqliteSql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { repoRoot } from '../src/paths.js';

useCleanup();

const CLI = join(repoRoot, 'apps/cli/dist/main.js');
const prefix = `e2e-${runId}-suggest-`;
const anonymousData = { Mounts: [{ Type: 'volume' as const, Source: '', Target: '/data' }] };

function baqup(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; build first: pnpm exec turbo run build --filter=@baqup/cli...`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.BAQUP_CONFIG;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The sqlite image's app creates /data/app.db as it starts: wait for it (generously, the machine is shared). */
async function appDatabase(c: TestContainer): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await execIn(c, ['test', '-s', '/data/app.db'])).exitCode !== 0) {
    if (Date.now() > deadline) throw new Error(`${c.name}: /data/app.db never appeared`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface SuggestJson {
  source: string;
  services: Array<{ service: string; status: string; labels: Record<string, string>; targets: Array<{ type: string; instance: string }>; notes: string[]; problems: unknown[] }>;
}

describe('baqup suggest --running (shared engine)', () => {
  it('suggests postgres by image with password_env by name, and a sqlite app by the file on its volume; never a value', async () => {
    const mark = `suggest-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const pg = await startContainer({ image: await ensureImage('postgres'), name: `${prefix}pg`, env: { POSTGRES_PASSWORD: password }, labels: { 'baqup.e2e.suggest': mark } });
    const app = await startContainer({ image: await ensureImage('sqlite'), name: `${prefix}app`, labels: { 'baqup.e2e.suggest': mark }, hostConfig: anonymousData, wait: false });
    await appDatabase(app);
    await sqliteSql(app, '/data/app.db', "INSERT INTO items (name) VALUES ('x');");
    // Not databases: a name without the header, and a -wal.
    await execOk(app, ['sh', '-c', 'echo text > /data/notes.db && cp /data/app.db /data/app.db-wal']);

    const r = await baqup(['suggest', '--running', '--filter', `baqup.e2e.suggest=${mark}`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as SuggestJson;
    const byName = Object.fromEntries(report.services.map((s) => [s.service, s]));
    expect(Object.keys(byName).sort()).toEqual([app.name, pg.name].sort());
    expect(byName[pg.name]).toMatchObject({ status: 'suggested', labels: { 'backup.enabled': 'true', 'backup.postgres.main.databases': 'all', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' }, problems: [] });
    expect(byName[app.name]).toMatchObject({ status: 'suggested', labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' }, problems: [] });
    expect(r.stdout + r.stderr).not.toContain(password);

    const text = await baqup(['suggest', '--running', '--filter', `baqup.e2e.suggest=${mark}`]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${pg.name} (`);
    expect(text.stdout).toContain('    backup.postgres.main.password_env: POSTGRES_PASSWORD');
    expect(text.stdout).toContain('    backup.sqlite.app.path: /data/app.db');
    expect(text.stdout).not.toContain(password);
  });

  it('without find in the image, the archive walk finds the same database', async () => {
    const app = await startContainer({ image: await ensureImage('sqlite'), name: `${prefix}nofind`, hostConfig: anonymousData, wait: false });
    await appDatabase(app);
    await execOk(app, ['sh', '-c', 'mkdir -p /data/deep/er && cp /data/app.db /data/deep/er/other.sqlite && rm -f "$(command -v find)"']);
    const docker = createDockerClient();
    const found = await findSqliteFiles(docker, app.id, ['/data']);
    expect(found).toEqual({ files: ['/data/app.db', '/data/deep/er/other.sqlite'], notes: [] });
    const s = await suggestForContainer(docker, await docker.inspect(app.id));
    expect(s.labels).toEqual({ 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db', 'backup.sqlite.other.path': '/data/deep/er/other.sqlite' });
  });

  it('a stopped container is not searched, and says so', async () => {
    const app = await startContainer({ image: await ensureImage('sqlite'), name: `${prefix}stopped`, hostConfig: anonymousData, wait: false });
    await app.container.stop({ t: 5 });
    const docker = createDockerClient();
    const s = await suggestForContainer(docker, await docker.inspect(app.id));
    expect(s.status).toBe('none');
    expect(s.notes).toContain('not running: its volumes were not searched for SQLite files');
  });
});
