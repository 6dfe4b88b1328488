// The N-trial fault table: not part of `pnpm test` (run it with `pnpm --filter @baqup/e2e faults --trials N`, see
// faults/run.mjs). Measures, never asserts: a failing row is a row of the table. A trial that throws (set-up
// trouble) is counted as an error in its row.
import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { useCleanup } from '../src/index.js';
import { useCtlCleanup } from '../test/pipeline-fixtures.js';
import { FAULTS } from './faults.js';
import { legend, renderTable, type Row } from './table.js';

useCleanup();
useCtlCleanup();

const trials = Number(process.env.BAQUP_FAULTS_TRIALS ?? 5);
const only = (process.env.BAQUP_FAULTS_ONLY ?? '').split(',').filter(Boolean);
const out = process.env.BAQUP_FAULTS_OUT;

it(`fault table, ${trials} trial(s) per fault`, async () => {
  const rows: Row[] = [];
  const started = Date.now();
  for (const fault of FAULTS.filter((f) => only.length === 0 || only.includes(f.id))) {
    const row: Row = { fault, trials: [], errors: [] };
    rows.push(row);
    for (let i = 0; i < trials; i++) {
      const t0 = Date.now();
      try {
        const t = await fault.run({ trial: i, quick: false, step: (s) => console.log(`  ${fault.id}#${i + 1} ${s}`) });
        row.trials.push(t);
        console.log(`${fault.id}#${i + 1}: ${JSON.stringify(t)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      } catch (err) {
        row.errors.push(String(err).split('\n')[0]!.slice(0, 160));
        console.log(`${fault.id}#${i + 1}: trial error: ${String(err).slice(0, 2000)}`);
      }
    }
  }
  const text = `${renderTable(rows)}\n\n${legend(rows)}\n`;
  console.log(`\n${text}\n(${((Date.now() - started) / 60000).toFixed(1)} min)`);
  if (out) writeFileSync(out, text);
});
