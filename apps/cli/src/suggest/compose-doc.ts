// A compose file as `baqup suggest` needs it: per service its image, env variable NAMES (environment and
// env_file), where volumes land and which host directories bind mounts bring in. Read through the yaml library's
// Document API, so the same document can take the suggested labels and be written back with its comments.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';
import { keyValues } from '../lint/compose-file.js';
import { interpolate, parseEnvFile, type Vars } from '../lint/interpolate.js';

export interface ComposeMount {
  /** Inside the container. */
  target: string;
  /** The host directory of a bind mount (resolved against the compose file's directory). */
  hostPath?: string;
}

export interface SuggestService {
  /** The key under `services:`. */
  key: string;
  /** container_name, or the key. */
  name: string;
  image: string;
  envNames: string[];
  mounts: ComposeMount[];
  labels: Record<string, string>;
  /** The service's labels come from a merge key (`<<: *x`) only: adding a `labels:` key would replace them. */
  mergedLabels: boolean;
}

export interface ComposeDoc {
  doc: Document.Parsed;
  text: string;
  services: SuggestService[];
}

export function readComposeDoc(file: string, vars: Vars): ComposeDoc {
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]!.message}`);
  const plain = doc.toJS({ maxAliasCount: 1000 }) as { services?: Record<string, Record<string, unknown>> } | null;
  if (!plain || typeof plain !== 'object' || !plain.services || typeof plain.services !== 'object') throw new Error('not a compose file: no top-level "services" map');
  const base = dirname(resolve(file));
  const services = Object.entries(plain.services).map(([key, svc]): SuggestService => {
    const s = svc ?? {};
    const own = doc.getIn(['services', key]);
    const ownLabels = isMap(own) ? own.get('labels', true) : undefined;
    return {
      key,
      name: typeof s.container_name === 'string' ? s.container_name : key,
      image: typeof s.image === 'string' ? interpolate(s.image, vars) : '(build)',
      envNames: [...new Set([...Object.keys(keyValues(s.environment)), ...envFileNames(s.env_file, base, vars)])],
      mounts: mountsOf(s.volumes, base, vars),
      labels: Object.fromEntries(Object.entries(keyValues(s.labels)).map(([k, v]) => [k, interpolate(v, vars)])),
      mergedLabels: ownLabels === undefined && s.labels !== undefined,
    };
  });
  return { doc, text, services };
}

function envFileNames(value: unknown, base: string, vars: Vars): string[] {
  const entries = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const names: string[] = [];
  for (const e of entries) {
    const path = typeof e === 'string' ? e : e && typeof e === 'object' && typeof (e as { path?: unknown }).path === 'string' ? (e as { path: string }).path : undefined;
    if (path === undefined) continue;
    const full = resolve(base, interpolate(path, vars));
    if (existsSync(full)) names.push(...Object.keys(parseEnvFile(readFileSync(full, 'utf8'))));
  }
  return names;
}

function mountsOf(value: unknown, base: string, vars: Vars): ComposeMount[] {
  if (!Array.isArray(value)) return [];
  const out: ComposeMount[] = [];
  for (const v of value) {
    if (typeof v === 'string') {
      const parts = interpolate(v, vars).split(':');
      if (parts.length === 1) out.push({ target: parts[0]! });
      else out.push(withHost(parts[1]!, parts[0]!, base));
    } else if (v && typeof v === 'object') {
      const m = v as { type?: unknown; source?: unknown; target?: unknown };
      if (typeof m.target !== 'string' || m.type === 'tmpfs') continue;
      const target = interpolate(m.target, vars);
      out.push(m.type === 'bind' && typeof m.source === 'string' ? withHost(target, interpolate(m.source, vars), base, true) : { target });
    }
  }
  return out.filter((m) => m.target.startsWith('/'));
}

function withHost(target: string, source: string, base: string, bind = false): ComposeMount {
  const home = process.env.HOME ?? '';
  const isPath = bind || source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
  if (!isPath) return { target };
  const host = source.startsWith('~') ? `${home}${source.slice(1)}` : isAbsolute(source) ? source : resolve(base, source);
  return { target, hostPath: host };
}
