// The baqup daemon: config → logger → Docker → discovery → state → HTTP API (and, as they land, the backup pipeline).
import { parseArgs } from 'node:util';
import { ConfigError, errorMessage, InternalError, loadConfig } from '@baqup/core';
import { createDockerClient } from '@baqup/docker';
import { createLogger } from '@baqup/log';
import { startController } from './controller.js';
import { installGuard } from './guard.js';

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

// The journal the guard replays on a fatal error: read from the same config the controller loads (a config that
// does not load is reported by startController below; the guard then only logs and exits).
const journal = (() => {
  try {
    const { config } = loadConfig({ ...(values.config ? { path: values.config } : {}), env: process.env });
    return { path: config.journal, docker: createDockerClient(process.env) };
  } catch {
    return undefined;
  }
})();
installGuard({ logger: createLogger({ level: 'info', format: 'json' }), journal });

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
