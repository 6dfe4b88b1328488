// loadConfig: the one function here that touches the disk (it reads the config file; it never writes).
import { readFileSync } from 'node:fs';
import { parse, YAMLError } from 'yaml';
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
    const why = yamlProblem(err, text);
    throw new ConfigError(`${path}: not valid YAML: ${why}`, [why]);
  }
  return { config: resolveConfig(raw, options.env, path), source: path };
}

// A key whose value may be a credential: its line is never quoted in an error.
const SECRET_KEY = /(token|passw|pwd|secret|key|credential|auth|bearer|cookie|private)[\w-]*["']?\s*[:=]/i;

/**
 * yaml's message with the offending line quoted — unless that line holds a key named like a secret (`api.token`,
 * the restic password …): a syntax error there would otherwise print the secret.
 */
export function yamlProblem(err: unknown, text: string): string {
  if (!(err instanceof YAMLError)) return errorMessage(err);
  const summary = err.message.split('\n')[0]!.replace(/:$/, '');
  const lineNo = err.linePos?.[0].line;
  const line = lineNo === undefined ? undefined : text.split(/\r?\n/)[lineNo - 1];
  if (line === undefined || line.trim() === '') return summary;
  if (SECRET_KEY.test(line)) return `${summary} (the line is not shown: it may hold a secret)`;
  return `${summary}:\n  ${line.trimEnd()}`;
}
