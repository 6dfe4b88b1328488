// The controller's history against a real database file and the real API server on 127.0.0.1: what a job result,
// a desired state and a delivery become, the state a restart starts from, the routes (answers checked against their
// own response schemas, so /api/openapi.json stays true), protect_reads, and a history that cannot be opened.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryUnavailableError, type BackupJob, type BackupResult, type ContainerBackupConfig, type Logger, type LogFields } from '@baqup/core';
import { StateStore } from '@baqup/state';
import { errorSchema } from '../http/errors.js';
import { startApiServer } from '../http/server.js';
import { openHistory, type HistoryRecorder } from './recorder.js';
import { historyRoutes, RECORD_SCHEMAS } from './routes.js';

let dir: string;
let lines: { level: string; msg: string; fields?: LogFields | undefined }[];
const logger: Logger = {
  debug: () => {},
  info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
};
const closers: Array<() => Promise<void> | void> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baqup-ctl-history-'));
  lines = [];
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  rmSync(dir, { recursive: true, force: true });
});

const container = (name: string, over: Partial<ContainerBackupConfig> = {}): ContainerBackupConfig => ({
  containerId: `id-${name}`, containerName: name, image: 'postgres:16', enabled: true, stop: false,
  schedules: { daily: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } } },
  targets: [{ type: 'postgres', instance: 'main', schedule: 'daily', compress: 'zstd', timeoutSeconds: 60, properties: {} }],
  errors: [],
  ...over,
});
const job = (c: ContainerBackupConfig, id: string, trigger: BackupJob['trigger'] = 'schedule'): BackupJob => ({ id, container: c, target: c.targets[0]!, schedule: c.schedules.daily!, triggeredAt: new Date(Date.now() - 2000), trigger });
const ok = (j: BackupJob, size = 1234): BackupResult => ({
  job: j, success: true, stagingPath: `/s/${j.id}`, bytes: size, durationSeconds: 1.25,
  manifest: { version: 1, container: j.container.containerName, containerId: j.container.containerId, image: 'x', type: 'postgres', instance: 'main', schedule: 'daily', timestamp: '20261206T030000Z', file: `${j.id}.sql.zst`, compression: 'zstd', size, sha256: 'cd'.repeat(32), toolVersions: {}, durations: { dumpMs: 1000, totalMs: 1250 } },
});
const failed = (j: BackupJob): BackupResult => ({ job: j, success: false, durationSeconds: 0.5, error: { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump: connection refused' } });

function open(): HistoryRecorder {
  const r = openHistory({ dataDir: dir, retentionDays: 400, logger, backend: 'rclone', cleanupAfterUpload: true });
  closers.push(() => r.close());
  return r;
}
const tick = () => new Promise((r) => setImmediate(r));

describe('recording', () => {
  it("a job result becomes a run with its times, sizes, checksum, place and error; the job start comes from the pipeline's onStarted", () => {
    const r = open();
    const db = container('db');
    const j1 = job(db, 'j1');
    r.started(j1);
    const finished = new Date();
    r.result(ok(j1), finished);
    r.result(failed(job(db, 'j2', 'manual')), new Date(finished.getTime() + 1));
    const runs = r.history!.runs().runs;
    expect(runs.map((x) => x.id)).toEqual(['j2', 'j1']);
    expect(runs[0]).not.toHaveProperty('started_at');
    expect(runs[1]).toMatchObject({
      container: 'db', target: 'postgres-main', schedule: 'daily', trigger: 'schedule', success: true, stored_bytes: 1234, sha256: 'cd'.repeat(32),
      file: 'j1.sql.zst', location: 'remote', upload: 'uploaded', duration_ms: 1250, queued_at: j1.triggeredAt.getTime(), finished_at: finished.getTime(),
    });
    expect(runs[1]!.started_at).toBeGreaterThanOrEqual(j1.triggeredAt.getTime());
    expect(runs[0]).toMatchObject({ trigger: 'manual', success: false, error_code: 'BAQUP_DUMP_FAILED', error_message: 'pg_dump: connection refused', duration_ms: 500 });
    expect(runs[0]).not.toHaveProperty('location');
  });

  it('discovery: seen, changed, removed and label problems, one row each', () => {
    const r = open();
    const a = container('a');
    const b = container('b', { errors: [{ label: 'backup.postgress.main.port', value: '1', message: 'unknown engine "postgress"', expected: 'one of: postgres, …' }] });
    r.desired(new Map([[a.containerId, a], [b.containerId, b]]));
    r.desired(new Map([[a.containerId, a], [b.containerId, b]])); // unchanged objects: nothing new
    const a2 = { ...a, image: 'postgres:17' };
    r.desired(new Map([[a2.containerId, a2]]));
    const events = r.history!.recent('discovery_events').reverse().map((e) => [e.container, e.action]);
    expect(events).toEqual([['a', 'seen'], ['b', 'seen'], ['b', 'label_problem'], ['a', 'changed'], ['b', 'removed']]);
    const problem = r.history!.recent('discovery_events').find((e) => e.action === 'label_problem');
    expect(problem?.detail).toEqual({ errors: [{ label: 'backup.postgress.main.port', message: 'unknown engine "postgress"', expected: 'one of: postgres, …' }] });
  });

  it('error texts go through the redactor before they are kept (the API serves them)', () => {
    const r = openHistory({ dataDir: dir, retentionDays: 400, logger, backend: 'rclone', cleanupAfterUpload: true, redact: (t) => t.replaceAll('hunter2', '[redacted]') });
    closers.push(() => r.close());
    const db = container('db');
    r.result({ ...failed(job(db, 'j')), error: { code: 'BAQUP_DUMP_FAILED', message: 'auth failed for password hunter2' } }, new Date());
    r.restore({ container: 'db', target: 'postgres-main', backup: 'b', source: 'staging', started_at: 1, finished_at: 2, success: false, error_message: 'psql: hunter2 rejected' });
    r.notification({ channel: 'ntfy', kind: 'failure', targets: [], delivered: false, error: 'hunter2' });
    const all = JSON.stringify([r.history!.runs().runs, r.history!.recent('restores'), r.history!.recent('notifications')]);
    expect(all).not.toContain('hunter2');
    expect(all.match(/\[redacted\]/g)).toHaveLength(3);
  });

  it('notifications and restores are kept; a drill can be recorded for the Drills issue', () => {
    const r = open();
    r.notification({ channel: 'ntfy.example/alerts', kind: 'failure', targets: ['db/postgres-main'], delivered: false, error: 'HTTP 500' });
    r.notification({ channel: 'webhook', kind: 'digest', targets: ['a/fs-x', 'b/fs-y'], delivered: true });
    r.restore({ container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'staging', started_at: 1, finished_at: 2, success: true, safety_copy: '20261206T040000Z' });
    r.drill({ container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'remote', started_at: 1, finished_at: 3, success: true, detail: { tables: 4 } });
    const n = r.history!.recent('notifications');
    expect(n).toEqual([
      expect.objectContaining({ channel: 'webhook', kind: 'digest', delivered: true }),
      expect.objectContaining({ channel: 'ntfy.example/alerts', container: 'db', target: 'postgres-main', delivered: false, error: 'HTTP 500' }),
    ]);
    expect(n[0]).not.toHaveProperty('container');
    expect(r.history!.recent('restores')[0]).toMatchObject({ safety_copy: '20261206T040000Z', success: true });
    expect(r.history!.recent('drills')[0]).toMatchObject({ detail: { tables: 4 } });
  });
});

describe('the state a restart starts from', () => {
  it('a second open seeds the store with last run, success, error, failures, size and duration', () => {
    const db = container('db');
    const first = open();
    const finished = new Date('2026-12-06T03:00:05Z');
    first.result(ok(job(db, 'j1'), 999), finished);
    first.result(failed(job(db, 'j2')), new Date(finished.getTime() + 60_000));
    first.close();
    const second = open();
    expect(second.history!.fresh).toBe(false);
    const store = new StateStore('x');
    store.applyDesired(new Map([[db.containerId, db]]));
    second.seed(store);
    expect(store.snapshot().targets.get('db/postgres-main')).toMatchObject({
      lastRun: new Date(finished.getTime() + 60_000), lastSuccess: finished, lastError: 'pg_dump: connection refused', status: 'error', failures: 1, lastDurationSeconds: 0.5, lastBytes: 999,
    });
    expect(lines.some((l) => l.fields?.event === 'history.rebuilt')).toBe(true);
  });

  it('a fresh database adopts what was found and seeds from it; a failing listing is logged, not thrown', async () => {
    const r = open();
    expect(r.history!.fresh).toBe(true);
    const store = new StateStore('x');
    const db = container('db');
    store.applyDesired(new Map([[db.containerId, db]]));
    const found = [{ id: 'adopted:db/postgres-main/20261205T030000Z.sql.zst', container: 'db', target: 'postgres-main', schedule: 'daily', trigger: 'schedule', finished_at: Date.parse('2026-12-05T03:00:02Z'), success: true, file: '20261205T030000Z.sql.zst', stored_bytes: 10 }];
    expect(await r.adopt(async () => found, store)).toBe(1);
    expect(store.snapshot().targets.get('db/postgres-main')).toMatchObject({ status: 'healthy', lastBytes: 10, lastSuccess: new Date('2026-12-05T03:00:02Z') });
    expect(await r.adopt(async () => Promise.reject(new Error('rclone: remote unreachable')), store)).toBe(0);
    expect(lines.find((l) => l.fields?.event === 'history.adopt_failed')?.fields?.error).toMatchObject({ message: 'rclone: remote unreachable' });
  });
});

describe('a history that cannot be opened', () => {
  it('is logged with its code and every call is a no-op', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const r = openHistory({ dataDir: join(dir, 'file'), retentionDays: 400, logger, backend: 'rclone', cleanupAfterUpload: true });
    expect(r.history).toBeUndefined();
    expect(lines.find((l) => l.fields?.event === 'history.unavailable')).toMatchObject({ level: 'error', fields: { error: { code: HistoryUnavailableError.code } } });
    const db = container('db');
    r.started(job(db, 'j'));
    r.result(ok(job(db, 'j')), new Date());
    r.desired(new Map([[db.containerId, db]]));
    r.seed(new StateStore('x'));
    await tick();
    r.close();
  });
});

describe('routes', () => {
  async function serve(history: HistoryRecorder | undefined, opts: { token?: string; protectReads?: boolean } = {}) {
    const s = await startApiServer({ listen: '127.0.0.1:0', logger, routes: [historyRoutes(() => history?.history, 'Europe/Berlin')], ...opts });
    closers.push(s.close);
    const base = `http://${s.address}`;
    const doc = (await (await fetch(`${base}/api/openapi.json`, { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} })).json()) as { paths: Record<string, { get: { responses: Record<string, { content: { 'application/json': { schema: unknown } } }> } }> };
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const { $id: _id, ...apiError } = errorSchema;
    const inline = (schema: unknown): object => JSON.parse(JSON.stringify(schema).replaceAll('{"$ref":"#/components/schemas/ApiError"}', JSON.stringify(apiError))) as object;
    /** GET `path`, and check the answer against the schema the OpenAPI document gives for its route and status. */
    const get = async (path: string, route: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, { headers });
      const body: unknown = await res.json();
      const schema = doc.paths[route]?.get.responses[String(res.status)]?.content['application/json'].schema;
      expect(schema, `${route} documents ${res.status}`).toBeDefined();
      const validate = ajv.compile(inline(schema));
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      return { status: res.status, body: body as Record<string, unknown> };
    };
    return { get, doc };
  }

  function filled(): HistoryRecorder {
    const r = open();
    const db = container('db');
    const base = Date.parse('2026-12-06T02:00:00Z');
    for (let i = 0; i < 7; i++) r.result(i % 3 === 2 ? failed(job(db, `j${i}`)) : ok(job(db, `j${i}`), 100 + i), new Date(base - i * 86_400_000));
    return r;
  }

  it('GET /api/runs pages through every run, filters, and names a bad cursor', async () => {
    const { get, doc } = await serve(filled());
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/runs', '/api/history/targets', '/api/history/days', '/api/history/series', '/api/history/{kind}']));
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/api/runs?container=db&target=postgres-main&limit=3${cursor ? `&cursor=${cursor}` : ''}`, '/api/runs');
      expect(page.status).toBe(200);
      ids.push(...(page.body.runs as { id: string }[]).map((x) => x.id));
      cursor = page.body.next_cursor as string | undefined;
    } while (cursor);
    expect(ids).toEqual(['j0', 'j1', 'j2', 'j3', 'j4', 'j5', 'j6']);
    const first = (await get('/api/runs?limit=1', '/api/runs')).body.runs as Record<string, unknown>[];
    expect(first[0]).toMatchObject({ id: 'j0', finished_at: '2026-12-06T02:00:00.000Z', success: true });
    expect(((await get('/api/runs?since=2026-12-04T00:00:00Z', '/api/runs')).body.runs as unknown[]).length).toBe(3);
    expect(((await get('/api/runs?container=nobody', '/api/runs')).body.runs as unknown[]).length).toBe(0);
    const bad = await get('/api/runs?cursor=nonsense', '/api/runs');
    expect([bad.status, bad.body.field, bad.body.code]).toEqual([400, 'query.cursor', 'BAQUP_API_INVALID_INPUT']);
    expect((await get('/api/runs?limit=5000', '/api/runs')).body.field).toBe('query.limit');
  });

  it('summaries, day strips in the config zone, series and recent records', async () => {
    const r = filled();
    r.notification({ channel: 'ntfy', kind: 'failure', targets: ['db/postgres-main'], delivered: true });
    const { get } = await serve(r);
    const targets = (await get('/api/history/targets', '/api/history/targets')).body.targets as Record<string, unknown>[];
    expect(targets).toEqual([expect.objectContaining({ container: 'db', target: 'postgres-main', runs: 7, failures: 2, failure_streak: 0, last_success: true, last_run_at: '2026-12-06T02:00:00.000Z' })]);
    const days = await get('/api/history/days?container=db&target=postgres-main&days=400', '/api/history/days');
    expect(days.body.time_zone).toBe('Europe/Berlin');
    const strip = days.body.days as { day: string; runs: number; failed: number }[];
    expect(strip.find((d) => d.day === '2026-12-04')).toMatchObject({ runs: 1, failed: 1 });
    expect((await get('/api/history/days?container=db&target=postgres-main&tz=Mars/Olympus', '/api/history/days')).body.field).toBe('query.tz');
    const series = await get('/api/history/series?container=db&target=postgres-main&since=2026-11-01T00:00:00Z', '/api/history/series');
    expect((series.body.points as unknown[]).length).toBe(7);
    expect((series.body.points as unknown[])[0]).toMatchObject({ finished_at: '2026-11-30T02:00:00.000Z', success: true, duration_ms: 1250, stored_bytes: 106 });
    const notes = await get('/api/history/notifications', '/api/history/{kind}');
    expect(notes.body.records).toEqual([expect.objectContaining({ channel: 'ntfy', delivered: true, at: expect.stringMatching(/Z$/) })]);
    expect((await get('/api/history/elsewhere', '/api/history/{kind}')).status).toBe(400);
  });

  it('each kind of record answers in its documented shape, every field named (restores, verifications, drills, notifications, discovery)', async () => {
    const r = open();
    const db = container('db', { errors: [{ label: 'backup.fs.x.pth', value: '/x', message: 'unknown key "pth"', expected: 'path' }] });
    r.desired(new Map([[db.containerId, db]]));
    r.desired(new Map());
    r.restore({ container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'remote', into_container: 'db-copy', started_at: 1, finished_at: 2, success: true, safety_copy: '20261206T040000Z' });
    r.restore({ container: 'db', target: 'postgres-main', backup: 'newest', source: 'any', started_at: 3, finished_at: 4, success: false, error_code: 'BAQUP_RESTORE_FAILED', error_message: 'psql: no' });
    r.verification({ container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'staging', at: 5, success: true, checksum: 'sha256 matches', content: 'SQL to its end' });
    r.verification({ container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'remote', at: 6, success: false, error_code: 'BAQUP_RESTORE_CHECKSUM', error_message: 'sha256 differs' });
    r.drill({ container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'remote', started_at: 7, finished_at: 9, success: true, fetch_ms: 1, restore_ms: 1, bytes: 10, detail: { tables: 4 } });
    r.drill({ container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'remote', started_at: 10, finished_at: 11, success: false, error_code: 'BAQUP_RESTORE_FAILED', error_message: 'no' });
    r.notification({ channel: 'ntfy', kind: 'failure', targets: ['db/postgres-main'], delivered: false, error: 'HTTP 500' });
    r.notification({ channel: 'webhook', kind: 'digest', targets: ['a/fs-x', 'b/fs-y'], delivered: true });
    const { get } = await serve(r);
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const seen: Record<string, number> = {};
    for (const [kind, schema] of Object.entries(RECORD_SCHEMAS)) {
      const { status, body } = await get(`/api/history/${kind}`, '/api/history/{kind}');
      expect([status, body.kind]).toEqual([200, kind]);
      // Only the fields its schema names: what the database holds is all in the document.
      const exact = ajv.compile({ ...schema, additionalProperties: false });
      for (const record of body.records as unknown[]) expect(exact(record), `${kind}: ${JSON.stringify(exact.errors)} in ${JSON.stringify(record)}`).toBe(true);
      seen[kind] = (body.records as unknown[]).length;
    }
    expect(seen).toEqual({ restores: 2, verifications: 2, drills: 2, notifications: 2, discovery: 3 });
  });

  it('needs the token with protect_reads, like the other reads', async () => {
    const { get } = await serve(filled(), { token: 'T0k3n', protectReads: true });
    expect((await get('/api/runs', '/api/runs')).status).toBe(401);
    expect((await get('/api/runs', '/api/runs', { authorization: 'Bearer T0k3n' })).status).toBe(200);
  });

  it('answers 503 with its code while the history is off', async () => {
    const { get } = await serve(undefined);
    for (const [path, route] of [['/api/runs', '/api/runs'], ['/api/history/targets', '/api/history/targets'], ['/api/history/restores', '/api/history/{kind}']] as const) {
      const res = await get(path, route);
      expect([res.status, res.body.code]).toEqual([503, HistoryUnavailableError.code]);
    }
  });
});
