// The baqup daemon: config → logger → Docker → discovery → state → HTTP API (and, as they land, the backup pipeline).
import { parseArgs } from 'node:util';
import { ConfigError, errorMessage, InternalError } from '@baqup/core';
import { createLogger } from '@baqup/log';
import { startController } from './controller.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string', short: 'c' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: baqup-controller [--config FILE] [--dry-run]

Without --config (or $BAQUP_CONFIG) the embedded defaults are used: staging and a local "remote" under
$BAQUP_DATA_DIR (default ./.baqup-data). The Docker engine is $DOCKER_HOST or /var/run/docker.sock.`);
  process.exit(0);
}

try {
  await startController({ configPath: values.config, dryRun: values['dry-run'] ?? false, env: process.env });
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`baqup: ${err.message}`);
    for (const p of err.problems) console.error(`  - ${p}`);
  } else {
    const logger = createLogger({ level: 'info', format: 'json' });
    logger.error('controller failed to start', { error: { message: errorMessage(err), code: (err as { code?: string }).code ?? InternalError.code } });
    await logger.flush();
  }
  process.exit(1);
}
