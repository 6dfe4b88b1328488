import { loadConfig, type LoadedConfig } from '@baqup/core';

export const configOption = { config: { type: 'string', short: 'c' } } as const;

/** The same config the controller would load: --config, else $BAQUP_CONFIG, else embedded defaults. */
export function cliConfig(path: string | undefined): LoadedConfig {
  return loadConfig({ ...(path ? { path } : {}), env: process.env });
}
