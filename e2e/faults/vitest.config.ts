import { unitConfig } from '@baqup/vitest-config';
import { E2E_HOST } from '../src/host.js';

// The N-trial fault table (faults/run.mjs): one long test, the same engine set-up as the e2e suite.
export default unitConfig({
  test: {
    include: ['faults/trials.test.ts'],
    globalSetup: ['./src/global-setup.ts'],
    testTimeout: 4 * 3600_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    fileParallelism: false,
    // Every controller and CLI the tests start runs under one known host name (its remote directory).
    env: { BAQUP_HOSTNAME: E2E_HOST },
  },
});
