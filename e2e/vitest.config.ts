import { unitConfig } from '@baqup/vitest-config';
import { E2E_HOST } from './src/host.js';

// Real Docker, real servers: generous timeouts, one file at a time (2 cores and one shared engine).
export default unitConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./src/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
    passWithNoTests: false,
    // Every controller and CLI the tests start runs under one known host name (its remote directory).
    env: { BAQUP_HOSTNAME: E2E_HOST },
  },
});
