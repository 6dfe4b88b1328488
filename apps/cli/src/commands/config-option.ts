import { loadConfig, type LoadedConfig } from '@baqup/core';
import type { OptionSpec } from './command.js';

export const configOption: OptionSpec = { flags: '-c, --config <file>', description: 'the controller config file (default: $BAQUP_CONFIG, else the built-in defaults)' };
export const jsonOption: OptionSpec = { flags: '--json', description: 'print one JSON document (snake_case fields) instead of text' };

/** The same config the controller would load: --config, else $BAQUP_CONFIG, else embedded defaults. */
export function cliConfig(path: string | undefined): LoadedConfig {
  return loadConfig({ ...(path ? { path } : {}), env: process.env });
}
