#!/usr/bin/env node
// The README's test command: unit tests (with build, typecheck, lint), then end-to-end tests against
// a real Docker engine. Ends with one summary line summed over every package's vitest JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, '.test-results');
rmSync(results, { recursive: true, force: true });

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
function run(...args) {
  console.log(`\n=== pnpm ${args.join(' ')} ===`);
  const r = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

const unit = run('run', 'test:unit');
// test:unit leaves e2e out, and vitest does not typecheck: check the e2e sources here before running them.
const e2eChecks = unit === 0 ? run('exec', 'turbo', 'run', 'typecheck', 'lint', '--filter=@baqup/e2e') : 1;
const e2e = unit === 0 ? run('run', 'test:e2e') : 1;
if (unit !== 0) console.log('\nunit stage failed: end-to-end tests were not run');
else if (e2eChecks !== 0) console.log('\ne2e typecheck/lint failed (see above)');

let passed = 0, failed = 0, skipped = 0;
if (existsSync(results)) {
  for (const f of readdirSync(results).filter((n) => n.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(results, f), 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(unit !== 0 || e2eChecks !== 0 || e2e !== 0 || failed > 0 ? 1 : 0);
