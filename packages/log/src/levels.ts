import { ConfigError } from '@baqup/core';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function isLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The level in force: `LOG_LEVEL` from the environment wins over the configured level (so `docker run -e LOG_LEVEL=debug`
 * works without editing the config file), then the configured one, then `info`. A misspelt level is a config error,
 * not a silent fallback.
 */
export function resolveLevel(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const fromEnv = env.LOG_LEVEL?.trim().toLowerCase();
  const chosen = fromEnv ? fromEnv : (configured?.trim().toLowerCase() ?? 'info');
  if (!isLevel(chosen)) {
    const source = fromEnv ? 'LOG_LEVEL' : 'logging.level';
    throw new ConfigError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got "${chosen}"`);
  }
  return chosen;
}
