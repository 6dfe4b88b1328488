// `baqup plan` and `baqup lint --compose` as a user runs them: the BUILT CLI against a real engine.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { repoRoot } from '../src/paths.js';
import { secondEngine, type SecondEngine } from '../src/second-engine.js';

useCleanup();

const CLI = join(repoRoot, 'apps/cli/dist/main.js');
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];
const prefix = `e2e-${runId}-plan-`;
const tmp = mkdtempSync(join(tmpdir(), 'baqup-e2e-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface PlanJson {
  rows: Array<{ container: string; target: string; engine: string; databases?: string; schedule: string; cron?: string; next_run?: string; retention: string; error?: string }>;
  errors: Array<{ container: string; label: string; value: string; message: string; suggestion?: string }>;
}

function baqup(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; build first: pnpm exec turbo run build --filter=@baqup/cli...`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.BAQUP_CONFIG;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: childEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('baqup plan (shared engine)', () => {
  it('prints a labelled postgres container\'s target: engine, databases, daily schedule, next run, retention; --json parses', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const pg = await startContainer({
      image: await ensureImage('postgres'),
      name: `${prefix}pg`,
      env: { POSTGRES_PASSWORD: password },
      labels: { 'backup.enabled': 'true', 'backup.postgres.main.databases': 'all' },
    });

    const text = await baqup(['plan']);
    const block = text.stdout.slice(text.stdout.indexOf(pg.name));
    expect(text.stdout).toContain(pg.name);
    const line = block.split('\n').find((l) => l.includes('postgres-main'));
    expect(line, text.stdout).toBeDefined();
    expect(line).toMatch(/postgres-main\s+postgres databases=all\s+daily \(\S+ \S+ \S+ \S+ \S+\) next \d{4}-\d\d-\d\dT\S+Z\s+retention \S+/);
    expect(text.stdout + text.stderr).not.toContain(password);

    const json = await baqup(['plan', '--json']);
    const report = JSON.parse(json.stdout) as PlanJson;
    const rows = report.rows.filter((r) => r.container === pg.name);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ target: 'postgres-main', engine: 'postgres', databases: 'all', schedule: 'daily' });
    expect(row.error).toBeUndefined();
    expect(Date.parse(row.next_run!)).toBeGreaterThan(Date.now());
    expect(row.retention).not.toBe('-');
    expect(report.errors.filter((e) => e.container === pg.name)).toEqual([]);
    // Other tests' containers may share this engine: the exit code follows the whole report, as documented.
    const anyError = report.errors.length > 0 || report.rows.some((r) => r.error !== undefined);
    expect(json.code).toBe(anyError ? 1 : 0);
    expect(text.code).toBe(json.code);
    expect(json.stdout).not.toContain(password);
  });
});

// The exit code depends on every labelled container of the engine, so it is pinned down on a private engine
// where this test's containers are the only ones.
describe('baqup plan exit code (private second engine)', () => {
  let engine: SecondEngine | undefined;
  afterEach(async () => {
    await engine?.destroy();
    engine = undefined;
  });

  async function run(d: Docker, image: string, name: string, labels: Record<string, string>): Promise<void> {
    const c = await d.createContainer({ name, Image: image, Cmd: SLEEPER, Labels: labels, HostConfig: { NetworkMode: 'none' } });
    await c.start();
  }

  it('exits 0 with valid labels only and 1 once a container has an invalid label', async () => {
    const base = await ensureImage('base');
    engine = secondEngine();
    await engine.start();
    await engine.loadImage(base);
    const env = { DOCKER_HOST: engine.host };

    const empty = await baqup(['plan'], env);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('no running container carries backup.enabled');

    await run(engine.docker, base, 'valid', { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' });
    const ok = await baqup(['plan', '--json'], env);
    expect(ok.code).toBe(0);
    const okReport = JSON.parse(ok.stdout) as PlanJson;
    expect(okReport.rows.map((r) => [r.container, r.target])).toEqual([['valid', 'fs-data']]);
    expect(okReport.errors).toEqual([]);

    await run(engine.docker, base, 'typo', { 'backup.enabled': 'true', 'backup.postgress.main.port': '5432', 'backup.fs.data.path': '/data' });
    const bad = await baqup(['plan'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('typo: backup.postgress.main.port=5432');
    expect(bad.stdout).toContain('did you mean backup.postgres.main.port?');
    expect(bad.stdout).toMatch(/valid\n\s+fs-data/); // the valid container is still planned
    const badJson = await baqup(['plan', '--json'], env);
    expect(badJson.code).toBe(1);
    expect((JSON.parse(badJson.stdout) as PlanJson).errors).toEqual([
      expect.objectContaining({ container: 'typo', label: 'backup.postgress.main.port', suggestion: 'backup.postgres.main.port' }),
    ]);
  });
});

describe('baqup lint --compose', () => {
  const compose = (dbLabel: string) => `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
    labels:
      backup.enabled: "true"
      ${dbLabel}: all
  app:
    image: nginx
    labels:
      - backup.enabled=true
      - backup.fs.html.path=/usr/share/nginx/html
`;

  it('exits 1 on a typo and prints the suggestion; 0 once fixed; --json parses', async () => {
    const bad = join(tmp, 'bad.yml');
    writeFileSync(bad, compose('backup.postgress.main.databases'));
    const r = await baqup(['lint', '--compose', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('db: backup.postgress.main.databases=all');
    expect(r.stdout).toContain('did you mean backup.postgres.main.databases?');
    expect(r.stdout).toContain('fs-html'); // the good service is still listed

    const j = await baqup(['lint', '--compose', bad, '--json']);
    expect(j.code).toBe(1);
    const report = JSON.parse(j.stdout) as PlanJson;
    expect(report.errors).toEqual([expect.objectContaining({ container: 'db', suggestion: 'backup.postgres.main.databases' })]);

    const good = join(tmp, 'good.yml');
    writeFileSync(good, compose('backup.postgres.main.databases'));
    const g = await baqup(['lint', '--compose', good]);
    expect(g.code, g.stdout + g.stderr).toBe(0);
    expect(g.stdout).toMatch(/db\n\s+postgres-main\s+postgres databases=all/);
    expect(g.stdout).not.toContain('example'); // the compose file's password is never printed
  });
});
