#!/usr/bin/env node
// History cost: per recorded job (queued, then written in batches as the controller does), the database's size
// and the time of the queries the API and a restart use, after N synthetic runs (default 100 000).
// Run: pnpm --filter @baqup/history... build && node bench/history.mjs [--runs 100000] [--targets 200]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { History } from '../packages/history/dist/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, targets: { type: 'string', default: '200' } } });
const runs = Number(values.runs);
const targets = Number(values.targets);
const dir = mkdtempSync(join(tmpdir(), 'baqup-bench-history-'));
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const now = Date.now();
const h = new History({ path: join(dir, 'baqup.db'), logger: silent, retentionDays: 400, now: () => new Date(now) });
const span = 400 * 86_400_000;

const tick = () => new Promise((r) => setImmediate(r));
let recordNs = 0n;
const t0 = process.hrtime.bigint();
for (let i = 0; i < runs; i++) {
  const finished = now - Math.floor((span * (runs - i)) / runs);
  const a = process.hrtime.bigint();
  h.recordRun({
    id: `job-${i}`, container: `c${i % targets}`, target: 'postgres-main', schedule: 'daily', trigger: 'schedule',
    queued_at: finished - 4500, started_at: finished - 4000, finished_at: finished, duration_ms: 4500, success: i % 17 !== 0,
    raw_bytes: 5_000_000 + (i % 1000), stored_bytes: 1_000_000 + (i % 1000),
    sha256: 'ab'.repeat(32), file: `${i}.sql.zst`, location: 'staging,remote', upload: 'uploaded',
  });
  recordNs += process.hrtime.bigint() - a;
  // The controller records a handful of jobs a tick at most; batch as it would, a few hundred a turn here.
  if (i % 500 === 499) await tick();
}
await tick();
const writeMs = Number(process.hrtime.bigint() - t0) / 1e6;
const time = (fn) => {
  const a = process.hrtime.bigint();
  const r = fn();
  return [Number(process.hrtime.bigint() - a) / 1e6, r];
};
const [pageMs] = time(() => h.runs({ limit: 50 }));
const [targetPageMs] = time(() => h.runs({ container: 'c7', target: 'postgres-main', limit: 50 }));
const [summaryMs, summaries] = time(() => h.targets());
const [daysMs] = time(() => h.days('c7', 'postgres-main', 30));
const [seriesMs] = time(() => h.series('c7', 'postgres-main', now - 90 * 86_400_000));
h.close();
const size = statSync(join(dir, 'baqup.db')).size;
console.log(`history bench: ${runs} runs over ${targets} targets`);
console.log(`  record (caller's cost): ${(Number(recordNs) / runs / 1000).toFixed(2)} µs per job; all written in ${writeMs.toFixed(0)} ms (${((writeMs * 1000) / runs).toFixed(1)} µs per job incl. batches)`);
console.log(`  database: ${(size / 1048576).toFixed(1)} MiB (${(size / runs).toFixed(0)} B per run)`);
console.log(`  newest 50: ${pageMs.toFixed(2)} ms; one target's newest 50: ${targetPageMs.toFixed(2)} ms`);
console.log(`  per-target summaries (restart rebuild, ${summaries.length} targets): ${summaryMs.toFixed(1)} ms`);
console.log(`  30-day strip: ${daysMs.toFixed(2)} ms; 90-day series: ${seriesMs.toFixed(2)} ms`);
rmSync(dir, { recursive: true, force: true });
