// resolveConfig: a parsed YAML object + env → a complete, validated ControllerConfig, or a ConfigError listing
// every problem at once (env variables, schema, cron syntax, cross-field rules).
import { resolve as resolvePath } from 'node:path';
import { ConfigError } from '../errors/index.js';
import { Secret } from '../secret.js';
import { mergeBuiltinSchedules } from './builtin-schedules.js';
import { checkSemantics } from './semantics.js';
import type { ConfigEnv } from './env-substitute.js';
import { substituteEnv } from './env-substitute.js';
import { applyEnvConfig } from './environment.js';
import type { ControllerConfig } from './types.js';
import { validateConfig } from './validate.js';

type Tree = Record<string, unknown>;
const isObject = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Pure apart from making a relative data dir absolute (against the process' cwd). `source` names the file in messages. */
export function resolveConfig(raw: unknown, env: ConfigEnv, source = 'config'): ControllerConfig {
  if (raw !== undefined && raw !== null && !isObject(raw)) {
    throw new ConfigError(`${source}: the top level must be a mapping of settings`, ['/: must be object']);
  }
  const { value, problems } = substituteEnv(raw ?? {}, env);
  const tree = value as Tree;
  // Keys the file leaves unset may come from the environment (docs/config.md, "Environment"); a problem with such a
  // value names its variable.
  const fromEnv = applyEnvConfig(tree, env);
  fillEnvironmentDefaults(tree, env);
  const named = (p: string) => {
    const hit = [...fromEnv].find(([path]) => p.startsWith(`${path}:`) || p.startsWith(`${path}/`));
    return hit ? `${p} (set from $${hit[1]})` : p;
  };
  // A value still holding an unset ${VAR} fails the schema too; its env problem already says why.
  const unresolved = problems.map((p) => p.slice(0, p.indexOf(': ') + 2));
  problems.push(...validateConfig(tree).filter((p) => !unresolved.some((prefix) => p.startsWith(prefix))).map(named));
  problems.push(...checkSemantics(tree).map(named));
  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new ConfigError(`${source}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${list}`, problems);
  }
  return wrapSecrets(tree) as unknown as ControllerConfig;
}

/** Defaults the schema cannot state: they come from the environment or from data_dir. */
function fillEnvironmentDefaults(tree: Tree, env: ConfigEnv): void {
  if (tree.data_dir === undefined) tree.data_dir = env.BAQUP_DATA_DIR || './.baqup-data';
  if (typeof tree.data_dir === 'string' && tree.data_dir.length > 0) tree.data_dir = resolvePath(tree.data_dir);
  const data = typeof tree.data_dir === 'string' ? tree.data_dir : resolvePath('./.baqup-data');
  const section = (key: string): Tree | undefined => {
    if (tree[key] == null) tree[key] = {}; // `staging:` with every child commented out
    const v = tree[key];
    return isObject(v) ? v : undefined;
  };
  for (const key of ['notifications', 'logging', 'api', 'health', 'history', 'retention']) section(key);
  const defaults = section('defaults');
  if (defaults) defaults.schedules = mergeBuiltinSchedules(defaults.schedules);
  const staging = section('staging');
  if (staging) staging.path ??= `${data}/staging`;
  const upload = section('upload');
  if (upload) upload.remote ??= `${data}/remote`;
  tree.journal ??= `${data}/journal.json`;
  tree.timezone ??= env.TZ || 'UTC';
}

function wrapSecrets(tree: Tree): Tree {
  const api = tree.api as Tree;
  if (typeof api.token === 'string') api.token = new Secret(api.token);
  const restic = (tree.upload as Tree).restic as Tree;
  if (typeof restic.password === 'string') restic.password = new Secret(restic.password);
  return tree;
}
