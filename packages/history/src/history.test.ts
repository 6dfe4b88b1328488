// Against real database files: the migrations, the damaged-file path, batching, queries and retention.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger, LogFields } from '@baqup/core';
import { History } from './history.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import type { RunRecord } from './records.js';

let dir: string;
let lines: { level: string; msg: string; fields?: LogFields | undefined }[];
const logger: Logger = {
  debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
  info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
};
const NOW = Date.parse('2026-12-06T12:00:00Z');
const open = (now = NOW) => new History({ path: join(dir, 'baqup.db'), logger, retentionDays: 400, now: () => new Date(now) });
const run = (over: Partial<RunRecord> = {}): RunRecord => ({
  id: `job-${Math.random().toString(36).slice(2)}`,
  container: 'db',
  target: 'postgres-main',
  schedule: 'daily',
  trigger: 'schedule',
  started_at: NOW - 5_000,
  finished_at: NOW,
  success: true,
  stored_bytes: 1000,
  ...over,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baqup-history-'));
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('opening', () => {
  it('creates a WAL database at the latest schema version', () => {
    open().close();
    const db = new BetterSqlite3(join(dir, 'baqup.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('moves a damaged file aside with a clear line, starts fresh, and keeps recording', () => {
    writeFileSync(join(dir, 'baqup.db'), Buffer.alloc(8192, 0x5a));
    const h = open();
    expect(h.movedAside).toMatch(/baqup\.db\.corrupt-20261206T120000Z$/);
    expect(existsSync(h.movedAside!)).toBe(true);
    const line = lines.find((l) => l.fields?.event === 'history.corrupt');
    expect(line?.level).toBe('error');
    expect(line?.fields?.error).toMatchObject({ code: 'BAQUP_HISTORY_CORRUPT' });
    h.recordRun(run());
    expect(h.runs().runs).toHaveLength(1);
    h.close();
  });

  it('says whether the file is new: fresh once, not after a reopen', () => {
    const a = open();
    expect(a.fresh).toBe(true);
    a.close();
    const b = open();
    expect(b.fresh).toBe(false);
    b.close();
  });

  it('upgrades a version-1 database in place, keeping its runs', () => {
    const db = new BetterSqlite3(join(dir, 'baqup.db'));
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO runs (id, container, target, schedule, trigger, finished_at, success) VALUES ('old', 'db', 'postgres-main', 'daily', 'schedule', ?, 1)").run(NOW);
    db.close();
    const h = open();
    expect(h.fresh).toBe(false);
    expect(h.runs().runs.map((r) => r.id)).toEqual(['old']);
    h.recordVerification({ container: 'db', target: 'postgres-main', backup: '20261206T120000Z', source: 'staging', at: NOW, success: true, checksum: 'sha256 ok' });
    expect(h.recent('verifications')).toEqual([expect.objectContaining({ success: true, checksum: 'sha256 ok' })]);
    h.close();
    const check = new BetterSqlite3(join(dir, 'baqup.db'), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('without repair (the CLI), a damaged file is left where it is and opening throws', () => {
    writeFileSync(join(dir, 'baqup.db'), Buffer.alloc(8192, 0x5a));
    expect(() => new History({ path: join(dir, 'baqup.db'), logger, retentionDays: 400, repair: false })).toThrow(/BAQUP_HISTORY_CORRUPT|cannot be used/);
    expect(readdirSync(dir)).toEqual(['baqup.db']);
  });

  it('refuses a database a newer baqup wrote, by moving it aside rather than writing into it', () => {
    const db = new BetterSqlite3(join(dir, 'baqup.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const h = open();
    expect(h.movedAside).toBeDefined();
    h.close();
    expect(readdirSync(dir).some((n) => n.startsWith('baqup.db.corrupt-'))).toBe(true);
  });
});

describe('recording', () => {
  it('returns at once and writes on the next turn of the event loop, in one batch', async () => {
    const h = open();
    for (let i = 0; i < 100; i++) h.recordRun(run({ id: `j${i}`, finished_at: NOW - i }));
    const other = new BetterSqlite3(join(dir, 'baqup.db'), { readonly: true });
    const count = () => (other.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
    expect(count()).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(count()).toBe(100);
    other.close();
    h.close();
  });

  it('survives a reopen: what was recorded is there after a restart', () => {
    const h = open();
    h.recordRun(run({ id: 'a', finished_at: NOW - 1000 }));
    h.recordRun(run({ id: 'b', success: false, error_code: 'BAQUP_DUMP_FAILED', error_message: 'boom' }));
    h.close();
    const again = open();
    expect(again.runs().runs.map((r) => r.id)).toEqual(['b', 'a']);
    expect(again.runs().runs[0]).toMatchObject({ success: false, error_code: 'BAQUP_DUMP_FAILED' });
    again.close();
  });

  it('a record of the same job id replaces the first (its upload finished later)', () => {
    const h = open();
    h.recordRun(run({ id: 'x', upload: 'pending' }));
    h.recordRun(run({ id: 'x', upload: 'uploaded' }));
    expect(h.runs().runs).toEqual([expect.objectContaining({ id: 'x', upload: 'uploaded' })]);
    h.close();
  });

  it('keeps restores, drills, notifications and discovery events, details as JSON', () => {
    const h = open();
    h.recordRestore({ container: 'db', target: 'postgres-main', backup: 'f', source: 'staging', started_at: NOW - 10, finished_at: NOW, success: true, safety_copy: 's' });
    h.recordDrill({ container: 'db', target: 'postgres-main', backup: 'f', source: 'remote', started_at: NOW - 10, finished_at: NOW, success: true, restore_ms: 9, detail: { tables: { t: 3 } } });
    h.recordNotification({ at: NOW, channel: 'ntfy', kind: 'failure', delivered: false, error: 'timeout' });
    h.recordDiscovery({ at: NOW, container_id: 'abc', container: 'db', action: 'seen' });
    expect(h.recent('restores')[0]).toMatchObject({ success: true, safety_copy: 's' });
    expect(h.recent('drills')[0]).toMatchObject({ detail: { tables: { t: 3 } }, restore_ms: 9 });
    expect(h.recent('notifications')[0]).toMatchObject({ delivered: false, channel: 'ntfy' });
    expect(h.recent('discovery_events')[0]).toMatchObject({ action: 'seen', container: 'db' });
    h.close();
  });

  it('drillTargets: per target the failures, the first drill, the newest passed one and the newest record', () => {
    const h = open();
    const drill = (at: number, success: boolean, extra: object = {}) => h.recordDrill({ container: 'db', target: 'postgres-main', backup: `b${at}`, source: 'remote', started_at: at - 5, finished_at: at, success, ...extra });
    drill(NOW - 3000, true);
    drill(NOW - 2000, true);
    drill(NOW - 1000, false, { error_code: 'BAQUP_RESTORE_CHECKSUM', error_message: 'corrupt', detail: { problems: ['x'] } });
    h.recordDrill({ container: 'app', target: 'sqlite-app', backup: 'a', source: 'staging', started_at: NOW - 50, finished_at: NOW, success: false });
    expect(h.drillTargets()).toEqual([
      { container: 'app', target: 'sqlite-app', failures: 1, first_started_at: NOW - 50, last: expect.objectContaining({ success: false, backup: 'a' }) },
      {
        container: 'db', target: 'postgres-main', failures: 1, first_started_at: NOW - 3005, last_success_started_at: NOW - 2005,
        last: { container: 'db', target: 'postgres-main', backup: `b${NOW - 1000}`, source: 'remote', started_at: NOW - 1005, finished_at: NOW - 1000, success: false, error_code: 'BAQUP_RESTORE_CHECKSUM', error_message: 'corrupt', detail: { problems: ['x'] } },
      },
    ]);
    h.close();
  });
});

describe('queries', () => {
  it('pages newest first without gaps or repeats, filtered by target and time', () => {
    const h = open();
    for (let i = 0; i < 25; i++) h.recordRun(run({ id: `j${String(i).padStart(2, '0')}`, finished_at: NOW - (i % 5) * 1000 }));
    h.recordRun(run({ id: 'other', target: 'fs-data' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = h.runs({ target: 'postgres-main', limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(h.runs({ since: NOW - 1500, target: 'postgres-main', limit: 100 }).runs).toHaveLength(10);
    expect(() => h.runs({ cursor: 'garbage' })).toThrow(/cursor/);
    h.close();
  });

  it('summarises each target: last success, failure streak since it, last error', () => {
    const h = open();
    h.recordRun(run({ id: '1', finished_at: NOW - 3000 }));
    h.recordRun(run({ id: '2', finished_at: NOW - 2000, success: false, error_code: 'BAQUP_DUMP_FAILED', error_message: 'a' }));
    h.recordRun(run({ id: '3', finished_at: NOW - 1000, success: false, error_code: 'BAQUP_DUMP_TIMEOUT', error_message: 'b' }));
    h.recordRun(run({ id: '4', target: 'fs-data', finished_at: NOW, stored_bytes: 42 }));
    h.recordRun(run({ id: '5', container: 'web', finished_at: NOW, duration_ms: 1234 }));
    expect(h.targets().find((t) => t.container === 'web')).toMatchObject({ last_duration_ms: 1234, failure_streak: 0 });
    expect(h.targets().filter((t) => t.container === 'db')).toEqual([
      expect.objectContaining({ target: 'fs-data', runs: 1, failures: 0, failure_streak: 0, last_success: true, last_success_at: NOW, last_stored_bytes: 42, last_success_stored_bytes: 42, last_duration_ms: 5000 }),
      expect.objectContaining({ target: 'postgres-main', runs: 3, failures: 2, failure_streak: 2, last_success: false, first_run_at: NOW - 3000, last_success_at: NOW - 3000, last_run_at: NOW - 1000, last_error_code: 'BAQUP_DUMP_TIMEOUT', last_success_stored_bytes: 1000 }),
    ]);
    h.close();
  });

  it('gives a day strip in the asked zone, empty days included', () => {
    const h = open();
    h.recordRun(run({ id: 'today', finished_at: NOW }));
    h.recordRun(run({ id: 'late', finished_at: Date.parse('2026-12-04T23:30:00Z'), success: false }));
    const utc = h.days('db', 'postgres-main', 7);
    expect(utc).toHaveLength(7);
    expect(utc.at(-1)).toMatchObject({ day: '2026-12-06', runs: 1, succeeded: 1 });
    expect(utc.find((d) => d.day === '2026-12-04')).toMatchObject({ failed: 1 });
    // 23:30 UTC is the next day in Berlin.
    expect(h.days('db', 'postgres-main', 7, 'Europe/Berlin').find((d) => d.day === '2026-12-05')).toMatchObject({ failed: 1 });
    h.close();
  });

  it('adopts backups found on staging or the remote once, never over a recorded run of the same file', () => {
    const h = open();
    h.recordRun(run({ id: 'real', file: '20261206T120000Z.sql.zst' }));
    const found = [run({ id: 'adopted:db/postgres-main/20261206T120000Z.sql.zst', file: '20261206T120000Z.sql.zst' }), run({ id: 'adopted:db/postgres-main/20261205T120000Z.sql.zst', file: '20261205T120000Z.sql.zst', finished_at: NOW - 86_400_000 })];
    expect(h.adopt(found)).toBe(1);
    expect(h.adopt(found)).toBe(0);
    expect(h.runs().runs.map((r) => r.id)).toEqual(['real', 'adopted:db/postgres-main/20261205T120000Z.sql.zst']);
    h.close();
  });

  it('prunes rows older than its retention from every table', () => {
    const h = open();
    const old = NOW - 401 * 86_400_000;
    h.recordRun(run({ id: 'old', finished_at: old }));
    h.recordRun(run({ id: 'new' }));
    h.recordNotification({ at: old, channel: 'ntfy', kind: 'failure', delivered: true });
    expect(h.prune()).toBe(2);
    expect(h.runs().runs.map((r) => r.id)).toEqual(['new']);
    expect(h.recent('notifications')).toEqual([]);
    h.close();
  });
});
