// The quick fault table (issue 12): every fault in faults/faults.ts marked `quick` runs once against the real
// engine, and the world must be right afterwards: 0 containers left down, 0 backups lost or partial files visible,
// 0 controller crashes, recovery within the fault's budget. Faults whose fix has not landed yet are skipped here
// (set BAQUP_E2E_FAULTS=all to run them too); `pnpm --filter @baqup/e2e faults --trials N` runs any of them N times
// and prints the table of docs/reliability.md.
import { describe, expect, it, onTestFailed } from 'vitest';
import { useCleanup } from '../src/index.js';
import { FAULTS } from '../faults/faults.js';
import { useCtlCleanup } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const all = process.env.BAQUP_E2E_FAULTS === 'all';

describe('fault table, quick (N=1)', () => {
  for (const fault of FAULTS) {
    (fault.quick || all ? it : it.skip)(`${fault.id}: ${fault.title}`, { timeout: 300_000 }, async () => {
      const steps: string[] = [];
      onTestFailed(() => console.error(`${fault.id} steps:\n${steps.join('\n')}`));
      const trial = await fault.run({ trial: 0, quick: true, step: (s) => void steps.push(`${new Date().toISOString()} ${s}`) });
      console.log(`${fault.id}: recovered in ${trial.recoverMs ?? 'never'} ms; ${trial.notes.join('; ')}`);
      expect({ leftDown: trial.leftDown, lost: trial.lost, crashes: trial.crashes, failures: trial.failures }).toEqual({ leftDown: 0, lost: 0, crashes: 0, failures: [] });
      expect(trial.recoverMs, `time to recover (${fault.recovery})`).toBeDefined();
      expect(trial.recoverMs!).toBeLessThanOrEqual(fault.budgetMs);
    });
  }
});
