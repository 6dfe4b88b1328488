#!/usr/bin/env node
// Runs the fault table N times per fault against the real engine and prints it (markdown, for docs/reliability.md).
//   pnpm --filter @baqup/e2e faults --trials 5 [--only sigkill-cold,remote-down] [--out table.md]
//   (or: cd e2e && node faults/run.mjs --trials 5)
// Build first: pnpm exec turbo run build --filter=!@baqup/e2e
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '5' }, only: { type: 'string', default: '' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
});
if (values.help) {
  console.log('usage: node faults/run.mjs [--trials N] [--only id,id] [--out FILE]\nfault ids: see e2e/faults/faults.ts (FAULTS)');
  process.exit(0);
}
const trials = Number(values.trials);
if (!Number.isInteger(trials) || trials < 1) {
  console.error(`--trials must be a whole number ≥ 1, got "${values.trials}"`);
  process.exit(2);
}
const e2e = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(mkdtempSync(join(tmpdir(), 'baqup-faults-')), 'table.md');
const r = spawnSync(join(e2e, 'node_modules/.bin/vitest'), ['run', '--config', 'faults/vitest.config.ts'], {
  cwd: e2e,
  stdio: 'inherit',
  env: { ...process.env, BAQUP_FAULTS_TRIALS: String(trials), BAQUP_FAULTS_ONLY: values.only, BAQUP_FAULTS_OUT: file },
});
let table;
try {
  table = readFileSync(file, 'utf8');
} catch {
  console.error('faults: no table was written (see the output above)');
  process.exit(r.status || 1);
}
if (values.out) writeFileSync(values.out, table);
console.log(`\n${table}`);
process.exit(r.status ?? 1);
