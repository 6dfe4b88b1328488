// `baqup history` against a real HTTP server on 127.0.0.1 that answers as the controller's history routes do:
// the query it sends, the table and summary it prints, --json in snake_case, and its usage errors.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../__fixtures__/capture.js';

const RUNS = [
  { id: 'j2', container: 'db', target: 'postgres-main', schedule: 'daily', trigger: 'schedule', queued_at: '2026-12-06T03:00:00.000Z', finished_at: '2026-12-06T03:00:04.000Z', success: false, duration_ms: 4000, error_code: 'BAQUP_DUMP_FAILED', error_message: 'pg_dump: connection refused' },
  { id: 'j1', container: 'db', target: 'postgres-main', schedule: 'daily', trigger: 'manual', queued_at: '2026-12-05T03:00:00.000Z', finished_at: '2026-12-05T03:00:00.750Z', success: true, duration_ms: 750, stored_bytes: 2048, sha256: 'ab'.repeat(32), file: '20261205T030000Z.sql.zst', location: 'staging,remote', upload: 'uploaded' },
];
const SUMMARY = { container: 'db', target: 'postgres-main', runs: 2, failures: 1, failure_streak: 1, first_run_at: '2026-12-05T03:00:00.750Z', last_run_at: '2026-12-06T03:00:04.000Z', last_success: false, last_success_at: '2026-12-05T03:00:00.750Z' };

let server: Server;
let requests: string[];
let answer: (req: IncomingMessage) => { status: number; body: unknown };

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const a = answer(req);
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  process.env.BAQUP_API_URL = `http://127.0.0.1:${addr.port}`;
  process.env.TZ = 'UTC';
});
afterAll(async () => {
  delete process.env.BAQUP_API_URL;
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  requests = [];
  answer = (req) => (req.url?.startsWith('/api/history/targets') ? { status: 200, body: { targets: [SUMMARY] } } : { status: 200, body: { runs: RUNS, next_cursor: 'NEXT' } });
});

describe('baqup history', () => {
  it('prints the runs as a table, newest first, with the way to the next page', async () => {
    const r = await cli('history');
    expect(r.code).toBe(0);
    expect(requests).toEqual(['/api/runs?limit=20']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^FINISHED\s+TARGET\s+TRIGGER\s+RESULT\s+SIZE\s+DURATION\s+WHERE \/ ERROR$/);
    expect(lines[1]).toMatch(/^2026-12-06T03:00:04Z\s+db\/postgres-main\s+schedule\s+FAILED BAQUP_DUMP_FAILED\s+-\s+4 s\s+pg_dump: connection refused$/);
    expect(lines[2]).toMatch(/^2026-12-05T03:00:00Z\s+db\/postgres-main\s+manual\s+ok\s+2\.0 KiB\s+750 ms\s+staging,remote$/);
    expect(lines[3]).toBe('… older runs: --limit N, --since TIME, or --cursor NEXT');
  });

  it('one target: filters, pages and adds its summary line', async () => {
    const r = await cli('history', 'db', 'postgres-main', '--limit', '5', '--since', '2026-12-01', '--cursor', 'C1');
    expect(r.code).toBe(0);
    expect(requests).toEqual(['/api/runs?limit=5&container=db&target=postgres-main&since=2026-12-01T00%3A00%3A00.000Z&cursor=C1', '/api/history/targets']);
    expect(r.stdout.split('\n')[0]).toBe('db/postgres-main: 2 runs, 1 failed; last success 2026-12-05T03:00:00Z; failing for the last 1 run');
  });

  it('--json prints the page and summary in snake_case', async () => {
    const r = await cli('history', 'db', 'postgres-main', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toEqual({ runs: RUNS, next_cursor: 'NEXT', summary: SUMMARY });
  });

  it('says so when nothing is recorded', async () => {
    answer = () => ({ status: 200, body: { runs: [] } });
    const r = await cli('history', 'web');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('no runs recorded (yet) for this selection');
  });

  it('a controller without history (503) or refusing the token (401) is exit 1 with the reason', async () => {
    answer = () => ({ status: 503, body: { error: 'the history database is not available', code: 'x' } });
    const off = await cli('history');
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/answered HTTP 503: the history database is not available/);
    answer = () => ({ status: 401, body: { error: 'missing token' } });
    expect((await cli('history')).stderr).toMatch(/HTTP 401 \(set BAQUP_API_TOKEN/);
  });

  it.each([
    [['history', '--limit', '0'], /--limit must be a whole number from 1 to 1000/],
    [['history', '--since', 'yesterday'], /--since must be an ISO time/],
    [['history', 'db', 'main'], /target must be type-instance/],
  ])('%j is a usage error (exit 2) before any request', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(requests).toEqual([]);
  });
});
