// The group manifest: one backup group's run as one set — which member (container and compose service) had which
// backups taken while the group was stopped, and the order the group starts in — so a group restore puts every
// member back to the same point. Written only for a run in which every member's every target succeeded; a run
// with a failure leaves its members' backups as ordinary backups and no set. Layout:
// `{staging}/.groups/{group}/{timestamp}.group.json` (dot-prefixed: never a container directory, skipped by every
// staging listing), mirrored on the remote under the host like the rest of staging.
import { access, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GroupManifestError, type BackupTrigger } from '@baqup/core';
import { writeFileAtomic } from './fs-atomic.js';
import { DATA_FILE, safeSegment, targetPath } from './layout.js';
import { parseCompactTimestamp } from './timestamp.js';

export const GROUP_MANIFEST_VERSION = 1;
export const GROUPS_DIR = '.groups';
export const GROUP_MANIFEST_SUFFIX = '.group.json';
const NAME = /^(\d{8}T\d{6}Z)\.group\.json$/;

export interface GroupMemberBackup {
  type: string;
  instance: string;
  /** The staged file's path under the staging root (and under the host on the remote): `{container}/{type}-{instance}/{file}`. */
  path: string;
  timestamp: string;
  sha256: string;
}

export interface GroupMember {
  service: string;
  container: string;
  containerId: string;
  /** Empty for a member stopped with the group that has no targets of its own. */
  backups: GroupMemberBackup[];
}

export interface GroupManifest {
  version: typeof GROUP_MANIFEST_VERSION;
  group: string;
  /** The set's name: the time the group was stopped, `20240115T030000Z`. */
  timestamp: string;
  trigger: BackupTrigger;
  /** Services in start order (dependencies first); stopping is the reverse. */
  startOrder: string[];
  members: GroupMember[];
  /** ISO times: the first member stopped, the last started again. */
  stoppedAt: string;
  startedAt: string;
}

/** `.groups/{group}/{timestamp}.group.json`, relative to the staging root (and to the host on the remote). */
export function groupManifestPath(group: string, timestamp: string): string {
  return `${GROUPS_DIR}/${safeSegment(group)}/${timestamp}${GROUP_MANIFEST_SUFFIX}`;
}

export function serializeGroupManifest(manifest: GroupManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

/** A group manifest from its text, checked in full; GroupManifestError saying what is wrong otherwise. */
export function parseGroupManifest(text: string, where = 'group manifest'): GroupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new GroupManifestError(`${where}: not JSON`, { cause: err });
  }
  const problem = groupManifestProblem(raw);
  if (problem) throw new GroupManifestError(`${where}: ${problem}`);
  return raw as GroupManifest;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** What makes `raw` no group manifest this code can restore from; undefined when it is one. */
export function groupManifestProblem(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'not an object';
  const m = raw as Record<string, unknown>;
  if (m.version !== GROUP_MANIFEST_VERSION) return `version ${JSON.stringify(m.version)}, this baqup reads version ${GROUP_MANIFEST_VERSION}`;
  if (!isString(m.group)) return 'no group name';
  if (!isString(m.timestamp) || !parseCompactTimestamp(m.timestamp)) return `timestamp ${JSON.stringify(m.timestamp)} is not like 20240115T030000Z`;
  if (!Array.isArray(m.members) || m.members.length === 0) return 'no members';
  if (!Array.isArray(m.startOrder) || !m.startOrder.every(isString)) return 'no start order';
  const services = new Set<string>();
  for (const [i, member] of (m.members as unknown[]).entries()) {
    const mm = member as Record<string, unknown> | null;
    if (mm === null || typeof mm !== 'object' || !isString(mm.service) || !isString(mm.container) || !Array.isArray(mm.backups)) return `member ${i} lacks service, container or backups`;
    if (services.has(mm.service)) return `service ${mm.service} listed twice`;
    services.add(mm.service);
    for (const b of mm.backups as unknown[]) {
      const bb = b as Record<string, unknown> | null;
      if (bb === null || typeof bb !== 'object' || !isString(bb.type) || !isString(bb.instance) || !isString(bb.path) || !isString(bb.sha256)) return `a backup of ${mm.service} lacks type, instance, path or sha256`;
      const file = bb.path.split('/').pop() ?? '';
      if (bb.path !== `${targetPath(mm.container, bb.type, bb.instance)}/${file}` || !DATA_FILE.test(file)) return `backup path ${JSON.stringify(bb.path)} of ${mm.service} is not ${targetPath(mm.container, bb.type, bb.instance)}/<timestamp>.<ext>`;
    }
  }
  const order = m.startOrder as string[];
  if (order.length !== services.size || !order.every((s) => services.has(s))) return 'the start order does not list exactly the members';
  return undefined;
}

/** Writes the manifest under `root` atomically (temp file, fsync, rename, fsync of the directory); returns its path. */
export async function writeGroupManifest(root: string, manifest: GroupManifest): Promise<string> {
  const problem = groupManifestProblem(manifest);
  if (problem) throw new GroupManifestError(`group ${manifest.group}: not writing a group manifest: ${problem}`);
  const rel = groupManifestPath(manifest.group, manifest.timestamp);
  const dir = join(root, GROUPS_DIR, safeSegment(manifest.group));
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(dir, rel.split('/').pop()!, serializeGroupManifest(manifest));
  return join(root, rel);
}

export interface StagedGroupSet {
  group: string;
  timestamp: string;
  path: string;
}

/** The group sets staged under `root`, oldest first per group (every group, or one). Partial files are not listed. */
export async function listGroupManifests(root: string, group?: string): Promise<StagedGroupSet[]> {
  const base = join(root, GROUPS_DIR);
  const groups = group === undefined ? await names(base) : [safeSegment(group)];
  const out: StagedGroupSet[] = [];
  for (const g of groups.sort()) {
    for (const file of (await names(join(base, g))).sort()) {
      const m = NAME.exec(file);
      if (m) out.push({ group: g, timestamp: m[1]!, path: join(base, g, file) });
    }
  }
  return out;
}

/** The manifest of one set: the newest of the group, or the one at `timestamp`. GroupManifestError when there is none. */
export async function readGroupManifest(root: string, group: string, timestamp?: string): Promise<GroupManifest> {
  const sets = await listGroupManifests(root, group);
  const set = timestamp === undefined ? sets.at(-1) : sets.find((s) => s.timestamp === timestamp);
  if (!set) {
    const have = sets.map((s) => s.timestamp).join(', ');
    throw new GroupManifestError(`group ${group}: no group backup${timestamp ? ` at ${timestamp}` : ''} in ${root}${have ? ` (there are: ${have})` : ''}`);
  }
  return parseGroupManifest(await readFile(set.path, 'utf8'), set.path);
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
}

/** The marker next to a staged group manifest once it is stored off-host: `{timestamp}.group.json.uploaded`. */
export const GROUP_UPLOADED_SUFFIX = '.uploaded';

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Whether the staged set at `path` has been stored off-host. */
export function groupManifestUploaded(path: string): Promise<boolean> {
  return exists(`${path}${GROUP_UPLOADED_SUFFIX}`);
}

/** Records that the staged set at `path` is stored off-host (`where`: the store's display), atomically. */
export async function markGroupManifestUploaded(path: string, where: string): Promise<void> {
  await writeFileAtomic(dirname(path), `${basename(path)}${GROUP_UPLOADED_SUFFIX}`, JSON.stringify({ remote: where, uploadedAt: new Date().toISOString() }) + '\n');
}

/**
 * Retention of a group's sets in staging, by their members: a set none of whose backups is left in staging goes,
 * once it is stored off-host (`offHost` false: there is nowhere else, so it goes as its members went). A set with a
 * member left stays. Returns the timestamps removed.
 */
export async function pruneStagedGroupSets(root: string, group: string, offHost: boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const set of await listGroupManifests(root, group)) {
    const m = parseGroupManifest(await readFile(set.path, 'utf8'), set.path);
    const backups = m.members.flatMap((x) => x.backups);
    if (backups.length === 0) continue;
    let left = false;
    for (const b of backups) if ((left = await exists(join(root, b.path)))) break;
    if (left || (offHost && !(await groupManifestUploaded(set.path)))) continue;
    await rm(set.path, { force: true });
    await rm(`${set.path}${GROUP_UPLOADED_SUFFIX}`, { force: true });
    removed.push(set.timestamp);
  }
  return removed;
}
