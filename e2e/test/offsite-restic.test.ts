// Issue #5 with `upload.backend: restic` (Debian's restic 0.14), through the BUILT controller process: the repository
// is created at start when there is none; a seeded postgres backed up three times deduplicates; retention 2 leaves 2
// snapshots of the target; `restic dump` of the latest loads into a fresh postgres with equal data; a lock left by a
// killed restic is removed before the next backup (whose forget needs an exclusive lock); a failed dump leaves no
// snapshot; `restic check` runs on check_cron. With a wrong password the controller says the repository cannot be
// opened, creates nothing, and its failing check is notified.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, psql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { startFakeNtfy, type FakeNtfy } from './notify-fixtures.js';
import { cli } from './offsite-fixtures.js';
import { backupNow, dataFiles, filesUnder, said, startCtl, useCtlCleanup, waitDiscovered } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const run = promisify(execFile);
const MB = 1 << 20;
const PASSWORD = `restic-${randomBytes(12).toString('hex')}`;
const PG_PW = `pg-${randomBytes(9).toString('hex')}`;
const SUM = "SELECT count(*) || ':' || md5(string_agg(id || '=' || name, '|' ORDER BY id)) FROM items";
const work = mkdtempSync(join(tmpdir(), 'baqup-e2e-offsite-restic-'));
const repo = join(work, 'repo');
const passwordFile = join(work, 'password');
const resticEnv = { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: join(work, 'cache') };
const TRI = { tri: { cron: '0 0 1 1 *', retention: 2 } };

let pg: TestContainer;
let ntfy: FakeNtfy;

interface Snapshot {
  id: string;
  short_id: string;
  time: string;
  tags?: string[];
  paths: string[];
}
const snapshots = async (...tags: string[]): Promise<Snapshot[]> =>
  (JSON.parse((await run('restic', ['snapshots', '--no-lock', '--json', ...(tags.length ? ['--tag', tags.join(',')] : [])], { env: resticEnv })).stdout) as Snapshot[] | null ?? [])
    .sort((a, b) => a.time.localeCompare(b.time));
const du = (dir: string): number => filesUnder(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const mb = (n: number) => `${(n / MB).toFixed(2)} MB`;

/** A restic killed hard (SIGKILL) while holding its lock: the lock stays, its process is gone. */
async function leaveStaleLock(): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    // A holder that exits at once found the repository locked exclusively (the controller's check): try again.
    const holder = spawn('restic', ['backup', '--stdin', '--stdin-filename', 'hold'], { env: resticEnv, stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((r) => holder.once('exit', r));
    for (let n = 0; n < 50 && holder.exitCode === null; n++) {
      if ((await run('restic', ['list', 'locks', '--no-lock'], { env: resticEnv })).stdout.trim() !== '') {
        holder.kill('SIGKILL');
        await exited;
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    holder.kill('SIGKILL');
    await exited;
  }
  throw new Error('could not leave a stale restic lock');
}

beforeAll(async () => {
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  ntfy = await startFakeNtfy();
  pg = await startContainer({
    image: await ensureImage('postgres'),
    env: { POSTGRES_PASSWORD: PG_PW },
    labels: {
      'backup.enabled': 'true',
      'backup.postgres.main.databases': 'shop',
      'backup.postgres.main.schedule': 'tri',
      // No compress label: with the restic backend the default is none (a zstd stream changes from the first changed
      // byte on, which defeats restic's dedupe: the third of three compressed dumps added 1.3–6.9 MB of ~12 MB).
      // The snapshot's `.sql` path below asserts that default.
      'backup.postgres.bad.databases': 'shop',
      'backup.postgres.bad.password': `wrong-${randomBytes(6).toString('hex')}`,
      'backup.postgres.bad.schedule': 'tri',
    },
  });
  // ~30 MB of SQL (~12 MB compressed): many restic chunks (~1 MiB each), so the few a new dump changes (pg_dump's
  // random \restrict key at its start and end, the rows added) are small next to what dedupes.
  await psql(pg, 'CREATE DATABASE shop;');
  await psql(pg, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) || md5((g * 7)::text) || repeat('x', 20) FROM generate_series(1, 320000) g;", 'shop');
});
afterAll(async () => {
  await ntfy?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('restic backend through the controller', () => {
  it('creates the repository, dedupes three postgres backups, keeps 2 snapshots, and the latest restic dump loads into a fresh postgres', async () => {
    const t0 = Date.now();
    const step = (what: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);
    const ctl = await startCtl({
      // The three backups are manual runs (POST /api/backups): their own retention group, here as strict as the schedule.
      config: { upload: { backend: 'restic', restic: { repository: repo, password_file: passwordFile, check_cron: '*/15 * * * * *' } }, defaults: { schedules: TRI }, retention: { manual: 2 } },
    });
    expect((await ctl.waitForLog((l) => l.event === 'restic.ready', 60_000)).state).toBe('created');
    await waitDiscovered(ctl, pg.name, 2);
    const tags = [`container:${pg.name}`, 'target:postgres-main', 'schedule:tri'];
    const sizes = [du(repo)];
    const dumps: number[] = [];
    const paths: string[] = [];

    for (const i of [1, 2, 3]) {
      if (i === 3) {
        // A day of use: a few rows more (the latest snapshot must have them).
        await psql(pg, "INSERT INTO items SELECT g, 'new-' || g FROM generate_series(320001, 320010) g;", 'shop');
        // A restic killed hard leaves its lock behind; this run's forget needs an exclusive lock and would fail on it.
        await leaveStaleLock();
        // The lock is there, or the check cron (every 15 s) already removed it in between: then the controller says so.
        const locks = (await run('restic', ['list', 'locks', '--no-lock'], { env: resticEnv })).stdout.trim();
        if (locks === '') await ctl.waitForLog((l) => l.msg === 'stale restic locks removed before check' && l.dead === 1, 60_000);
        step('stale lock left');
      }
      const { status, job } = await backupNow(ctl, pg.name, 'postgres-main');
      expect(status, JSON.stringify(job)).toBe(200);
      expect(job.status).toBe('succeeded');
      dumps.push(job.bytes!);
      paths.push(job.path!);
      sizes.push(du(repo));
      step(`backup ${i} done`);
    }
    const added = ctl.logs().filter((l) => l.msg === 'stored in restic repository' && l.container === pg.name).map((l) => Number(l.bytes_added));
    console.log(
      `restic via controller: dumps ${dumps.map(mb).join(' / ')}; restic data added ${added.map(mb).join(' / ')}; repository empty ${mb(sizes[0]!)}, ` +
        `after 1/2/3 backups ${sizes.slice(1).map(mb).join(' / ')} (after 3: forget + prune of the first); ${mb(dumps[0]! + dumps[1]! + dumps[2]!)} backed up`,
    );
    expect(dumps[0]!).toBeGreaterThan(8 * MB);
    expect(added).toHaveLength(3);
    // Three full copies would take 3× the first; the 2nd and 3rd add only the chunks around what changed.
    expect(sizes[2]! - sizes[1]!).toBeLessThan(dumps[0]! / 3);
    expect(added[1]!).toBeLessThan(dumps[0]! / 3);
    expect(added[2]!).toBeLessThan(dumps[0]! / 3);
    expect(sizes[2]! - sizes[0]!).toBeLessThan(1.5 * dumps[0]!);

    // Removed by whichever locking operation came first (this backup, or a check the cron queued meanwhile).
    const unlocked = ctl.logs().filter((l) => /^stale restic locks removed before (backup|forget|check)$/.test(l.msg ?? ''));
    expect(unlocked.map((l) => l.dead)).toEqual([1]);
    expect(ctl.logs().some((l) => l.msg === 'removed stale restic locks of processes that are gone' && l.level === 'warn')).toBe(true);
    expect((await run('restic', ['list', 'locks', '--no-lock'], { env: resticEnv })).stdout.trim()).toBe('');
    const kept = await snapshots(...tags);
    expect(kept).toHaveLength(2);
    const forgotten = ctl.logs().filter((l) => l.event === 'prune.deleted' && l.snapshot !== undefined && l.container === pg.name);
    expect(forgotten).toHaveLength(1);
    expect(forgotten[0]).toMatchObject({ target: 'postgres-main', schedule: 'tri' });
    expect(forgotten[0]!.job_id).toEqual(expect.any(String));
    // cleanup_after_upload is off here (the fixture's default): staging gets the same retention as the repository.
    expect(dataFiles(ctl.staging, pg.name, 'postgres-main')).toEqual(paths.slice(-2).map((p) => basename(p)));

    // The latest snapshot, read back with restic itself, is a dump of the data as it is now.
    const latest = kept.at(-1)!;
    expect(latest.paths).toEqual([`/${pg.name}/postgres-main.sql`]);
    const dumped = await run('bash', ['-c', 'set -o pipefail; restic dump --no-lock "$1" "$2"', 'bash', latest.id, latest.paths[0]!], { env: resticEnv, encoding: 'buffer', maxBuffer: 256 * MB });
    step('restic dump read');
    const fresh = await startContainer({ image: await ensureImage('postgres'), env: { POSTGRES_PASSWORD: 'fresh-pw' } });
    const loaded = await execIn(fresh, ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=0', '-U', 'postgres', '-d', 'postgres'], { stdin: dumped.stdout });
    expect(loaded.exitCode).toBe(0);
    const want = await psql(pg, SUM, 'shop');
    expect(want.startsWith('320010:')).toBe(true);
    expect(await psql(fresh, SUM, 'shop')).toBe(want);

    step('loaded into a fresh postgres');
    // A failed dump never reaches restic: no snapshot of that target, none added at all.
    const before = (await snapshots()).map((s) => s.id);
    const bad = await backupNow(ctl, pg.name, 'postgres-bad');
    expect(bad.job.status).toBe('failed');
    expect(bad.job.error?.code).toMatch(/^BAQUP_DUMP_/);
    expect((await snapshots()).map((s) => s.id)).toEqual(before);
    expect(await snapshots(`container:${pg.name}`, 'target:postgres-bad')).toEqual([]);

    step('failed dump checked');
    await ctl.waitForLog((l) => l.event === 'restic.checked', 60_000);
    expect(ctl.logs().filter((l) => l.event === 'restic.check_failed')).toEqual([]);
    expect(ctl.output()).not.toContain(PASSWORD);
    expect((await ctl.stop()).code).toBe(0);

    // baqup prune with a stricter policy (retention 1) on the same staging and repository: restic forget per target.
    const cfg = join(work, 'prune-cli.yml');
    writeFileSync(cfg, JSON.stringify({ staging: { path: ctl.staging }, upload: { backend: 'restic', restic: { repository: repo, password_file: passwordFile } }, defaults: { schedules: { tri: { cron: '0 0 1 1 *', retention: 1 } } }, retention: { manual: 1 } }));
    const cliEnv = { BAQUP_DATA_DIR: join(work, 'cli-data') };
    const dry = await cli(['prune', pg.name, 'postgres-main', '--dry-run', '--config', cfg], cliEnv);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('restic: 2 found, 1 kept, would delete 1');
    expect(dry.stdout).toContain(`would delete ${kept[0]!.id.slice(0, 8)}`);
    expect(dry.stdout).toContain('staging: 2 found, 1 kept, would delete 1');
    expect((await snapshots(...tags)).map((x) => x.id)).toEqual(kept.map((x) => x.id));
    const real = await cli(['prune', pg.name, 'postgres-main', '--config', cfg], cliEnv);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain(`deleted ${kept[0]!.id.slice(0, 8)}`);
    expect((await snapshots(...tags)).map((x) => x.id)).toEqual([latest.id]);
    expect(dataFiles(ctl.staging, pg.name, 'postgres-main')).toEqual([basename(paths[2]!)]);
    const jobs = ctl.logs().filter((l) => l.container === pg.name && (l.event === 'job.succeeded' || l.event === 'job.failed'));
    step(`stopped; job durations ${jobs.map((l) => `${String(l.target)} ${String(l.duration_ms)} ms`).join(', ')}; checks ${ctl.logs().filter((l) => l.event === 'restic.checked').map((l) => String(l.duration_ms)).join('/')} ms`);
  }, 240_000);

  it('a wrong password: "cannot be opened", no new repository, backups fail, the failing check is logged and notified', async () => {
    const keys = readdirSync(join(repo, 'keys'));
    const config = statSync(join(repo, 'config')).mtimeMs;
    const snaps = (await snapshots()).map((s) => s.id);
    const wrongFile = join(work, 'wrong-password');
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    writeFileSync(wrongFile, `${wrong}\n`, { mode: 0o600 });
    const ctl = await startCtl({
      config: {
        upload: { backend: 'restic', restic: { repository: repo, password_file: wrongFile, check_cron: '*/2 * * * * *' } },
        defaults: { schedules: TRI },
        notifications: { on_failure: [ntfy.url('/restic')] },
      },
    });
    const unavailable = await ctl.waitForLog((l) => l.event === 'restic.unavailable', 60_000);
    expect(unavailable.level).toBe('error');
    expect(JSON.stringify(unavailable.error)).toMatch(/wrong password/);
    expect(ctl.logs().some((l) => l.event === 'restic.ready')).toBe(false);
    await waitDiscovered(ctl, pg.name, 2);
    const r = await backupNow(ctl, pg.name, 'postgres-main');
    expect(r.job.status).toBe('failed');
    // Kept for the next run, as with an rclone remote that is down.
    expect(r.job.path).toBeDefined();

    const failed = await ctl.waitForLog((l) => l.event === 'restic.check_failed', 60_000);
    expect(failed.level).toBe('error');
    const [message] = await ntfy.waitFor(1, 60_000);
    expect(message!.path).toBe('/restic');
    expect(message!.body).toMatch(/restic\/repository-check/);

    expect(readdirSync(join(repo, 'keys'))).toEqual(keys);
    expect(statSync(join(repo, 'config')).mtimeMs).toBe(config);
    expect((await snapshots()).map((s) => s.id)).toEqual(snaps);
    for (const s of [wrong, PASSWORD]) {
      expect(ctl.output()).not.toContain(s);
      expect(said.join('')).not.toContain(s);
      expect(ntfy.requests.map((q) => q.body).join('')).not.toContain(s);
    }
    expect((await ctl.stop()).code).toBe(0);
  });
});
