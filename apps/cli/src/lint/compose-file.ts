// A compose file's services as `docker compose` itself sees them: through `docker compose config` when that is
// installed (merge keys, interpolation, extends, env files: all of compose), else the yaml library with merge
// keys on and compose-style `${VAR}` interpolation from the environment and the `.env` beside the file.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { interpolateValues, parseEnvFile, type Vars } from './interpolate.js';

export type KeyValues = Record<string, string>;

export interface ComposeService {
  name: string;
  image: string;
  labels: KeyValues;
  env: KeyValues;
}

export interface ComposeRead {
  services: ComposeService[];
  /** How the file was read: `docker compose config`, or `yaml` (the fallback). */
  via: 'docker compose config' | 'yaml';
}

/** Compose allows labels and environment as a map or as a `KEY=value` list. */
export function keyValues(v: unknown): KeyValues {
  if (Array.isArray(v)) {
    return Object.fromEntries(
      v.map(String).map((s) => {
        const i = s.indexOf('=');
        return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
      }),
    );
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x == null ? '' : String(x)]));
  return {};
}

function servicesOf(doc: unknown): ComposeService[] {
  const d = doc as { services?: Record<string, Record<string, unknown>> } | null;
  if (!d || typeof d !== 'object' || !d.services || typeof d.services !== 'object') throw new Error('not a compose file: no top-level "services" map');
  return Object.entries(d.services).map(([name, svc]) => ({
    name: typeof svc?.container_name === 'string' ? svc.container_name : name,
    image: typeof svc?.image === 'string' ? svc.image : '(build)',
    labels: keyValues(svc?.labels),
    env: keyValues(svc?.environment),
  }));
}

/** The yaml route: merge keys (`<<: *backup`) resolved, values interpolated from `vars`. */
export function composeServices(text: string, vars: Vars = {}): ComposeService[] {
  return servicesOf(interpolateValues(parse(text, { merge: true }), vars));
}

/** Variables as compose takes them: the env file (default `.env` beside the compose file), then the environment. */
export function composeVars(file: string, envFile: string | undefined, env: NodeJS.ProcessEnv): Vars {
  const path = envFile ?? join(dirname(file), '.env');
  const fromFile = envFile !== undefined || existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : {};
  return { ...fromFile, ...env };
}

function hasComposeCli(): boolean {
  return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

export function readCompose(file: string, options: { envFile?: string; env: NodeJS.ProcessEnv; useComposeCli?: boolean }): ComposeRead {
  if (options.useComposeCli !== false && hasComposeCli()) {
    const args = ['compose', '-f', file, ...(options.envFile ? ['--env-file', options.envFile] : []), 'config', '--format', 'json'];
    const r = spawnSync('docker', args, { encoding: 'utf8', env: options.env, timeout: 60_000 });
    if (r.status !== 0) throw new Error(`docker compose config: ${(r.stderr || r.stdout).trim()}`);
    return { services: servicesOf(JSON.parse(r.stdout)), via: 'docker compose config' };
  }
  const text = readFileSync(file, 'utf8');
  return { services: composeServices(text, composeVars(file, options.envFile, options.env)), via: 'yaml' };
}
