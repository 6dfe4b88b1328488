// docs/logging.md's five LogQL queries against REAL log lines of the built controller (real containers, one run
// with a working remote and one whose remote cannot be written). Without a Loki, each query's pipeline is applied
// to the parsed lines (logql-fixtures.ts) and the results are compared with what the API said about the same jobs:
// the fields and values the queries rely on must exist, with the right types, in real output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_EVENTS } from '@baqup/core';
import { ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { repoRoot } from '../src/paths.js';
import { startControllerProcess, useControllerCleanup, type LogLine } from '../src/controller-process.js';
import { backupNow, expectCleanLogs, type JobView } from './observe-fixtures.js';
import { aggregate, parseQuery, readQueries, runPipeline } from './logql-fixtures.js';

useCleanup();
useControllerCleanup();

const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];
const TOKEN = 'logql-token-7f3a9c';
const prefix = `e2e-${runId}-logql-`;
const names = { ok: `${prefix}ok`, bad: `${prefix}bad`, stale: `${prefix}stale`, up: `${prefix}up` };
const queries = readQueries(join(repoRoot, 'docs/logging.md'));
const tmp = mkdtempSync(join(tmpdir(), 'baqup-e2e-logql-'));

let lines: LogLine[] = [];
const okJobs: JobView[] = [];
const badJobs: JobView[] = [];
let upJob: JobView;

beforeAll(async () => {
  const base = await ensureImage('base');
  const fast = { 'backup.schedule.fast.cron': '*/2 * * * * *', 'backup.schedule.fast.retention': '2' };
  await startContainer({ image: base, name: names.ok, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.etc.path': '/etc' } });
  await startContainer({ image: base, name: names.bad, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/nonexistent' } });
  await startContainer({ image: base, name: names.stale, cmd: SLEEPER, labels: { 'backup.enabled': 'true', ...fast, 'backup.fs.data.path': '/nonexistent', 'backup.fs.data.schedule': 'fast' } });

  // Run 1: a working remote. Two successes, two manual failures, one target going stale on its own.
  const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN }, staleness_factor: 1 } });
  await ctl.waitFor((l) => [names.ok, names.bad, names.stale].every((n) => l.some((c) => c.name === n)), 60_000);
  for (let i = 0; i < 2; i++) okJobs.push(...(await backupNow(ctl, TOKEN, names.ok)).jobs);
  for (let i = 0; i < 2; i++) badJobs.push(...(await backupNow(ctl, TOKEN, names.bad)).jobs);
  await ctl.waitForLog((l) => l.event === 'target.stale' && l.container === names.stale, 60_000);
  await ctl.stop();
  expectCleanLogs(ctl, [TOKEN]);

  // Run 2: the remote is under a regular file, so every upload fails (the staged copy stays).
  await startContainer({ image: base, name: names.up, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.etc.path': '/etc' } });
  writeFileSync(join(tmp, 'blocker'), 'not a directory\n');
  const broken = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN }, upload: { remote: join(tmp, 'blocker', 'remote'), retries: 0 } } });
  await broken.waitFor((l) => l.some((c) => c.name === names.up), 60_000);
  [upJob] = (await backupNow(broken, TOKEN, names.up)).jobs as [JobView];
  await broken.stop();
  expectCleanLogs(broken, [TOKEN]);
  lines = [...ctl.logs(), ...broken.logs()];
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const only = (id: string, n = 1) => {
  const qs = queries.get(id);
  expect(qs, `docs/logging.md has ### ${id}`).toHaveLength(n);
  return qs!.map(parseQuery);
};
const ours = (container: string) => (key: string) => key.startsWith(`${container}/`) || key === container;

describe('the checker itself', () => {
  it('refuses what it cannot check and fails on wrong types or missing fields', () => {
    expect(() => parseQuery('{service="baqup"} | logfmt')).toThrow(/does not know/);
    expect(() => parseQuery('sum(count_over_time({service="baqup"} | json))')).toThrow(/without a range/);
    const unwrap = parseQuery('sum(sum_over_time({service="baqup"} | json | unwrap bytes [1d]))');
    expect(() => runPipeline(unwrap, [{ bytes: '12' }])).toThrow(/not a number/);
    const fmt = parseQuery('{service="baqup"} | json | line_format "{{.error_code}}"');
    expect(() => runPipeline(fmt, [{ error: { message: 'x' } }])).toThrow(/error_code missing/);
    expect(runPipeline(fmt, [{ error: { code: 'C', message: 'x' } }])[0]!.rendered).toBe('C');
  });
});

describe('docs/logging.md LogQL queries on real lines', () => {
  it('the doc has exactly the five queries, each on the shipper label and filtering on known events', () => {
    expect([...queries.keys()]).toEqual(['failed-jobs-last-day', 'bytes-per-container', 'slowest-targets', 'stale-targets', 'upload-failures']);
    for (const q of [...queries.values()].flat().map(parseQuery)) {
      expect(q.selector).toEqual({ service: 'baqup' });
      expect(q.stages[0]).toEqual({ kind: 'json' });
      for (const st of q.stages) if (st.kind === 'filter' && st.label === 'event') expect(LOG_EVENTS).toContain(st.value);
    }
  });

  it('failed-jobs-last-day selects exactly the job.failed lines; the count per target matches the API', () => {
    const [logQuery, countQuery] = only('failed-jobs-last-day', 2) as [ReturnType<typeof parseQuery>, ReturnType<typeof parseQuery>];
    const selected = runPipeline(logQuery, lines);
    expect(selected.map((s) => s.line)).toEqual(lines.filter((l) => l.event === 'job.failed'));
    expect(selected.every((s) => s.line.level === 'error')).toBe(true);
    expect(countQuery.rangeFunction).toBe('count_over_time');
    const counts = aggregate(runPipeline(countQuery, lines), countQuery.groupBy, 'count');
    expect(badJobs.map((j) => j.status)).toEqual(['failed', 'failed']);
    expect(counts.get(`${names.bad}/fs-data`)).toBe(2);
    expect(counts.get(`${names.stale}/fs-data`)).toBeGreaterThanOrEqual(1);
    expect(counts.get(`${names.up}/fs-etc`)).toBe(1);
    expect([...counts.keys()].some(ours(names.ok))).toBe(false);
  });

  it('bytes-per-container: `unwrap bytes` is a number on every job.succeeded line and sums to what the API reported', () => {
    const [q] = only('bytes-per-container') as [ReturnType<typeof parseQuery>];
    expect(q.stages).toContainEqual({ kind: 'unwrap', label: 'bytes' });
    expect(q.rangeFunction).toBe('sum_over_time');
    const sums = aggregate(runPipeline(q, lines), q.groupBy, 'sum');
    expect(okJobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    expect(sums.get(names.ok)).toBe(okJobs.reduce((n, j) => n + j.bytes!, 0));
    expect(sums.get(names.ok)).toBeGreaterThan(0);
    expect(sums.has(names.bad)).toBe(false);
  });

  it('slowest-targets: `unwrap duration_ms` is a number; the max per target is the slower of the two API durations', () => {
    const [q] = only('slowest-targets') as [ReturnType<typeof parseQuery>];
    expect(q.stages).toContainEqual({ kind: 'unwrap', label: 'duration_ms' });
    const max = aggregate(runPipeline(q, lines), q.groupBy, 'max');
    const api = okJobs.map((j) => Math.round(j.duration_seconds! * 1000));
    expect(max.get(`${names.ok}/fs-etc`)).toBe(Math.max(...api));
  });

  it('stale-targets counts one target.stale for the stale target and none for the others', () => {
    const [q] = only('stale-targets') as [ReturnType<typeof parseQuery>];
    const counts = aggregate(runPipeline(q, lines), q.groupBy, 'count');
    expect(counts.get(`${names.stale}/fs-data`)).toBe(1);
    expect([...counts.keys()].filter((k) => k.startsWith(prefix))).toEqual([`${names.stale}/fs-data`]);
  });

  it('upload-failures renders container, target, error_code and error_message from real upload.failed lines', () => {
    const [q] = only('upload-failures') as [ReturnType<typeof parseQuery>];
    const selected = runPipeline(q, lines);
    expect(upJob.status).toBe('failed');
    const mine = selected.filter((s) => s.line.container === names.up);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const s of mine) {
      expect(s.rendered).toMatch(new RegExp(`^${names.up} fs-etc BAQUP_[A-Z_]+: .+`));
      expect(s.line.level).toBe('error');
    }
    expect(mine.map((s) => s.labels.error_code)).toContain(upJob.error!.code);
  });
});
