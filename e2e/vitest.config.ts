import { unitConfig } from '@baqup/vitest-config';

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
  },
});
