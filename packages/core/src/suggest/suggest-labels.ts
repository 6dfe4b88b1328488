// suggestLabels: a service or container (image, env names, mounts, labels) → the `backup.*` labels that would
// back it up. Pure: finding SQLite files on a running container's volumes is the caller's (discovery's) job.
// Credentials are mapped to the service's own env variable NAMES; a value is never read, so none can leak.
import { builtinDefaults } from '../config/controller-defaults.js';
import type { DatabaseEngine, LabelError, TargetType } from '../model.js';
import type { ControllerDefaults } from '../labels/controller-defaults.js';
import { NAME_PATTERN } from '../labels/keys.js';
import { parseBoolean } from '../labels/values.js';
import { parseLabels } from '../labels/parse-labels.js';
import { imageName } from './image-name.js';
import { APP_DATA, CREDENTIAL_ENV, ENGINE_IMAGES, REDIS_DATA_PATHS, SQLITE_EXTENSIONS } from './rules.js';

export interface SuggestInput {
  /** Service or container name, for messages. */
  name: string;
  image: string;
  /** Names of the environment variables the service sets; values are not needed and not taken. */
  envNames: readonly string[];
  /** Where its volumes and bind mounts land inside the container. */
  mounts: readonly string[];
  labels: Readonly<Record<string, string>>;
  /** SQLite database files found on those mounts (absolute paths inside the container). */
  sqliteFiles?: readonly string[];
}

export interface SuggestedTarget {
  type: TargetType;
  instance: string;
  /** Why: `image postgres:16`, `SQLite file /data/app.db on a volume`. */
  reason: string;
}

/** `protected`: backups are already enabled; `suggested`: labels to add; `none`: nothing recognised. */
export type SuggestStatus = 'protected' | 'suggested' | 'none';

export interface Suggestion {
  service: string;
  status: SuggestStatus;
  /** The labels to add (never one the service already has), `backup.enabled` first. */
  labels: Record<string, string>;
  targets: SuggestedTarget[];
  /** What the user should know or decide: a password detection could not map, a database without a volume. */
  notes: string[];
  /** What the label parser says of the service's backup labels with these added; empty for every rule (tested). */
  problems: LabelError[];
}

export interface SuggestOptions {
  /** Defaults the labels are checked against (the controller config's); the built-in ones when absent. */
  defaults?: ControllerDefaults;
}

const MAX_SQLITE_TARGETS = 10;

/** The engine an image is, by its name alone; undefined when it is none of them (or not surely one). */
export function detectEngine(image: string): Exclude<DatabaseEngine, 'sqlite'> | undefined {
  const { name } = imageName(image);
  for (const [engine, names] of Object.entries(ENGINE_IMAGES) as Array<[keyof typeof ENGINE_IMAGES, readonly string[]]>) {
    if (names.includes(name)) return engine;
  }
  return undefined;
}

/** Whether a file name looks like a SQLite database (`app.db`, `data.sqlite3`; never its `-wal`). */
export function isSqliteFileName(path: string): boolean {
  const lower = path.toLowerCase();
  return SQLITE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export function suggestLabels(input: SuggestInput, options: SuggestOptions = {}): Suggestion {
  const labels = input.labels ?? {};
  const out: Suggestion = { service: input.name, status: 'none', labels: {}, targets: [], notes: [], problems: [] };
  const enabled = parseBoolean(labels['backup.enabled'] ?? '');
  const detected = detect(input);
  if (enabled.ok && enabled.value) {
    out.status = 'protected';
    for (const t of detected.targets) {
      if (!hasTargetType(labels, t.type)) out.notes.push(`backups are enabled but no ${t.type} target is labelled (${t.reason})`);
    }
    return out;
  }
  out.notes.push(...detected.notes);
  const proposed: Record<string, string> = {};
  for (const t of detected.targets) {
    if (hasTargetType(labels, t.type)) {
      out.notes.push(`${t.type} labels already present: left as they are`);
      continue;
    }
    out.targets.push({ type: t.type, instance: t.instance, reason: t.reason });
    Object.assign(proposed, t.labels);
  }
  if (out.targets.length === 0) return out;
  if (detected.stop) proposed['backup.stop'] = 'true';
  const add: Record<string, string> = { 'backup.enabled': 'true' };
  for (const key of Object.keys(proposed).sort()) add[key] = proposed[key]!;
  for (const key of Object.keys(add)) if (key in labels) delete add[key];
  out.labels = add;
  out.status = 'suggested';
  out.problems = check(input, { ...backupLabelsOf(labels), ...add }, options.defaults ?? builtinDefaults());
  return out;
}

interface Detected {
  targets: Array<SuggestedTarget & { labels: Record<string, string> }>;
  notes: string[];
  stop: boolean;
}

function detect(input: SuggestInput): Detected {
  const found: Detected = { targets: [], notes: [], stop: false };
  const env = new Set(input.envNames ?? []);
  const mounts = (input.mounts ?? []).map(trimSlash);
  const engine = detectEngine(input.image);
  if (engine) {
    const server = serverTarget(engine, input.image, env, mounts);
    if (server.target) found.targets.push(server.target);
    found.notes.push(...server.notes);
    return found;
  }
  const { repository } = imageName(input.image);
  const app = APP_DATA.find((a) => (a.repository.endsWith('/') ? repository.startsWith(a.repository) : repository === a.repository));
  const appPath = app && mounts.includes(app.path) ? app.path : undefined;
  if (app && appPath) {
    found.targets.push({ type: 'fs', instance: 'data', reason: `${app.app} (${input.image}) keeps its state in ${appPath}`, labels: { 'backup.fs.data.path': appPath } });
    found.stop = true;
  } else if (app) {
    found.notes.push(`${app.app} keeps its state in ${app.path}, but no volume is mounted there: nothing persistent to back up`);
  }
  const files = [...new Set(input.sqliteFiles ?? [])]
    .filter((f) => f.startsWith('/') && isSqliteFileName(f) && mounts.some((m) => isUnder(f, m)))
    // Inside an app's directory, the cold fs copy already holds the database consistently.
    .filter((f) => appPath === undefined || !isUnder(f, appPath))
    .sort();
  if (files.length > MAX_SQLITE_TARGETS) found.notes.push(`${files.length} SQLite files found; suggesting the first ${MAX_SQLITE_TARGETS}`);
  const used = new Set<string>();
  for (const file of files.slice(0, MAX_SQLITE_TARGETS)) {
    const instance = uniqueName(instanceFromFile(file), used);
    found.targets.push({ type: 'sqlite', instance, reason: `SQLite file ${file} on a volume`, labels: { [`backup.sqlite.${instance}.path`]: file } });
  }
  return found;
}

function serverTarget(
  engine: Exclude<DatabaseEngine, 'sqlite'>,
  image: string,
  env: ReadonlySet<string>,
  mounts: readonly string[],
): { target?: Detected['targets'][number]; notes: string[] } {
  const notes: string[] = [];
  const prefix = `backup.${engine}.main`;
  const labels: Record<string, string> = {};
  const has = (name: string): boolean => env.has(name) || env.has(`${name}_FILE`);
  if (engine === 'redis') {
    const path = REDIS_DATA_PATHS.find((p) => mounts.includes(p));
    if (path === undefined) {
      return { notes: [`redis (${image}) has no volume at ${REDIS_DATA_PATHS.join(' or ')}: nothing persistent to back up`] };
    }
    labels[`${prefix}.path`] = path;
  } else {
    labels[`${prefix}.databases`] = 'all';
  }
  const credential = CREDENTIAL_ENV[engine].find((c) => has(c.password) && (c.user === undefined || env.has(c.user)));
  if (credential) labels[`${prefix}.password_env`] = credential.password;
  else if (engine === 'redis') notes.push('if redis runs with --requirepass, add backup.redis.main.password_env naming a variable that holds it');
  else if (engine !== 'postgres') notes.push(`no password variable found (${CREDENTIAL_ENV[engine].map((c) => c.password).join(', ')}): baqup connects without one`);
  return { target: { type: engine, instance: 'main', reason: `image ${image}`, labels }, notes };
}

function check(input: SuggestInput, labels: Record<string, string>, defaults: ControllerDefaults): LabelError[] {
  // Placeholder values: the parser only needs to see that a name exists (a `_FILE` variable holds a path).
  const env = (input.envNames ?? []).map((n) => `${n}=${n.endsWith('_FILE') ? '/run/secrets/placeholder' : 'placeholder'}`);
  return parseLabels(labels, env, defaults, { id: input.name, name: input.name, image: input.image }).errors;
}

function backupLabelsOf(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('backup.')));
}

function hasTargetType(labels: Readonly<Record<string, string>>, type: TargetType): boolean {
  return Object.keys(labels).some((k) => k.startsWith(`backup.${type}.`));
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function isUnder(file: string, dir: string): boolean {
  return dir === '/' || file.startsWith(`${dir}/`);
}

function instanceFromFile(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.(db|sqlite3?)$/i, '');
  const clean = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, 60);
  return NAME_PATTERN.test(clean) ? clean : 'db';
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) candidate = `${name.slice(0, 58)}-${i}`;
  used.add(candidate);
  return candidate;
}
