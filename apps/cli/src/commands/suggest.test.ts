import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../__fixtures__/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'baqup-suggest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function compose(text: string): string {
  const file = join(dir, `compose-${++n}.yml`);
  writeFileSync(file, text);
  return file;
}

const STACK = `# The app and its database.
services:
  db:
    image: postgres:16-alpine  # pinned major
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: s3cret-value
    volumes:
      - pgdata:/var/lib/postgresql/data

  cache:
    image: "redis:7"
    labels:
      - "traefik.enable=false"
    volumes: [ "redisdata:/data" ]

  web:
    image: nginx:1
    labels:
      traefik.enable: "true"   # keep

volumes:
  pgdata: {}
  redisdata: {}
`;

interface SuggestJson {
  source: string;
  services: Array<{ service: string; image: string; status: string; labels: Record<string, string>; targets: Array<{ type: string; instance: string }>; notes: string[]; problems: unknown[] }>;
  written?: string[];
}

describe('baqup suggest <compose-file>', () => {
  it('prints the labels per service, credentials by env name and never by value, exit 0', async () => {
    const file = compose(STACK);
    const r = await cli('suggest', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('db (postgres:16-alpine): postgres-main');
    expect(r.stdout).toContain('    backup.enabled: "true"');
    expect(r.stdout).toContain('    backup.postgres.main.password_env: POSTGRES_PASSWORD');
    expect(r.stdout).toContain('cache (redis:7): redis-main');
    expect(r.stdout).toContain('    backup.redis.main.path: /data');
    expect(r.stdout).toContain('web (nginx:1): nothing recognised to back up');
    expect(r.stdout).toContain(`add them with: baqup suggest ${file} --write`);
    expect(r.stdout + r.stderr).not.toContain('s3cret-value');
    expect(readFileSync(file, 'utf8')).toBe(STACK);
  });

  it('--json: the same suggestions, snake_case', async () => {
    const r = await cli('suggest', compose(STACK), '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as SuggestJson;
    expect(report.services.map((s) => [s.service, s.status])).toEqual([['db', 'suggested'], ['cache', 'suggested'], ['web', 'none']]);
    expect(report.services[0]!.labels).toEqual({ 'backup.enabled': 'true', 'backup.postgres.main.databases': 'all', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' });
    expect(report.services[0]!.problems).toEqual([]);
    expect(r.stdout).not.toContain('s3cret-value');
  });

  it('--write adds the labels keeping every line of the file (comments, quoting, flow lists), and lint --compose passes on it', async () => {
    const file = compose(STACK);
    const r = await cli('suggest', file, '--write');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('labels added to db, cache');
    const after = readFileSync(file, 'utf8');
    // Every original line is still there, in order: the file only gained lines.
    const lines = after.split('\n');
    let at = 0;
    for (const line of STACK.split('\n')) {
      const found = lines.indexOf(line, at);
      expect(found, `line ${JSON.stringify(line)} kept in:\n${after}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    const svc = (parse(after) as { services: Record<string, { labels: unknown }> }).services;
    expect(svc.db!.labels).toEqual({ 'backup.enabled': 'true', 'backup.postgres.main.databases': 'all', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' });
    expect(svc.cache!.labels).toEqual(['traefik.enable=false', 'backup.enabled=true', 'backup.redis.main.path=/data']);
    expect(svc.web!.labels).toEqual({ 'traefik.enable': 'true' });

    const lint = await cli('lint', '--compose', file);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toContain('postgres-main');
    expect(lint.stdout).toContain('redis-main');

    // A second run finds everything protected and leaves the file byte for byte.
    const mtime = statSync(file).mtimeMs;
    const again = await cli('suggest', file, '--write');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to add, left unchanged');
    expect(again.stdout).toContain('db (postgres:16-alpine): already backed up');
    expect(readFileSync(file, 'utf8')).toBe(after);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('finds SQLite files in bind-mounted host directories by their header, not by name alone', async () => {
    const data = join(dir, `app-data-${++n}`);
    mkdirSync(join(data, 'sub'), { recursive: true });
    writeFileSync(join(data, 'app.db'), Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(100)]));
    writeFileSync(join(data, 'sub', 'notes.sqlite'), 'not a database at all');
    const file = compose(`services:\n  app:\n    image: example/app:1\n    volumes:\n      - ${data}:/srv/data\n`);
    const r = await cli('suggest', file, '--json');
    const report = JSON.parse(r.stdout) as SuggestJson;
    expect(report.services[0]!.labels).toEqual({ 'backup.enabled': 'true', 'backup.sqlite.app.path': '/srv/data/app.db' });
  });

  it('leaves a service whose labels come from a merge key alone, saying why', async () => {
    const file = compose(`x-labels: &labels\n  labels:\n    a: "1"\nservices:\n  db:\n    <<: *labels\n    image: mariadb:11\n    environment: [MARIADB_ROOT_PASSWORD=x]\n`);
    const before = readFileSync(file, 'utf8');
    const r = await cli('suggest', file, '--write');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/db not changed: its labels come from a merge key/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('--compose <file> is the same as the argument (as with lint --compose)', async () => {
    const file = compose(STACK);
    const byArg = await cli('suggest', file, '--json');
    const byOpt = await cli('suggest', '--compose', file, '--json');
    expect(byOpt.code).toBe(0);
    expect(byOpt.stdout).toBe(byArg.stdout);
  });

  it('labels are read interpolated, as compose sets them: ${VAR:-true} counts as enabled', async () => {
    const file = compose(`services:\n  db:\n    image: postgres:16\n    labels:\n      backup.enabled: \${BACKUPS:-true}\n`);
    const r = await cli('suggest', file, '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as SuggestJson).services[0]!.status).toBe('protected');
  });

  it.each([
    ['two different compose files', ['a.yml', '--compose', 'b.yml'], /give the compose file once/],
    ['neither a file nor --running', [], /give a compose file, or --running/],
    ['both a file and --running', ['x.yml', '--running'], /not both/],
    ['--write with --running', ['--running', '--write'], /does not go with --running/],
    ['--filter without --running', ['x.yml', '--filter', 'a=b'], /goes with --running/],
    ['a missing file', ['/nonexistent/compose.yml'], /compose file \/nonexistent\/compose.yml does not exist/],
  ])('%s: usage error, exit 2', async (_what, argv, message) => {
    const r = await cli('suggest', ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a file that is not a compose file: exit 1 naming the file', async () => {
    const file = compose('just: text\n');
    const r = await cli('suggest', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not a compose file`);
  });
});
