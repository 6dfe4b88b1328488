// loadConfig: the one function here that touches the disk (it reads the config file; it never writes).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError, errorMessage } from '../errors/index.js';
import type { ConfigEnv } from './env-substitute.js';
import { resolveConfig } from './resolve.js';
import type { LoadedConfig } from './types.js';

export interface LoadConfigOptions {
  /** YAML file; default $BAQUP_CONFIG; with neither, the embedded defaults are used (no file needed). */
  path?: string;
  env: ConfigEnv;
}

/** Reads, substitutes, validates. Throws ConfigError naming the file and listing every problem. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const path = options.path ?? (options.env.BAQUP_CONFIG || undefined);
  if (path === undefined) return { config: resolveConfig({}, options.env, 'embedded defaults'), source: 'defaults' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the config file: ${errorMessage(err)}`, [`${path}: ${errorMessage(err)}`]);
  }
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML: ${errorMessage(err)}`, [errorMessage(err)]);
  }
  return { config: resolveConfig(raw, options.env, path), source: path };
}
