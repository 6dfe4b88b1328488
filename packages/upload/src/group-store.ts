// Backup group manifests off-host, next to their members' backups, so a group restore works from the remote alone
// (staging lost):
//   rclone: `{remote}/{host}/.groups/{group}/{timestamp}.group.json`, the staging layout under the host (ADR 0007);
//   restic: one snapshot per set, its file `/.groups/{group}/{timestamp}.group.json` (read back with `restic dump`),
//           tagged `baqup:group`, `group:{group}` and `set:{timestamp}`, with this host's `--host`. It carries no
//           `container:` tag, so every listing of backups passes it by.
// Pruned by its members: a set none of whose backups is still held off-host goes (pruneGroupSets).
import { createReadStream } from 'node:fs';
import { errorCode, errorMessage, targetKey, targetName, type LogFields, type Logger } from '@baqup/core';
import { groupManifestPath, GROUPS_DIR, parseGroupManifest, safeSegment, type GroupManifest } from '@baqup/stage';
import type { RcloneRemote } from './rclone-remote.js';
import type { ResticRepository } from './restic/restic-repository.js';
import { manifestFromTags } from './restic/manifest-tag.js';

/** One set held off-host: `ref` is its path under the host (rclone) or its snapshot id (restic). */
export interface RemoteGroupSet {
  group: string;
  timestamp: string;
  ref: string;
}

export interface GroupManifestStore {
  readonly display: string;
  /** Stores one staged group manifest (its file) and checks it landed. Throws UploadFailedError / ResticFailedError. */
  store(file: string, manifest: GroupManifest, signal?: AbortSignal): Promise<void>;
  /** The group's sets held off-host, oldest first. */
  list(group: string, signal?: AbortSignal): Promise<RemoteGroupSet[]>;
  read(set: RemoteGroupSet, signal?: AbortSignal): Promise<GroupManifest>;
  remove(set: RemoteGroupSet, signal?: AbortSignal): Promise<void>;
  /**
   * Every backup of `container/type-instance` held off-host, as `{timestamp}:{sha256}` (what a set's backups are
   * matched by: the same content backed up twice has one sha256, so the sha256 alone would keep a pruned set).
   */
  held(container: string, type: string, instance: string, signal?: AbortSignal): Promise<Set<string>>;
  /** After removals: restic prunes the data no snapshot references (once); nothing for rclone. */
  finish?(): Promise<void>;
}

const NAME = /^(\d{8}T\d{6}Z)\.group\.json$/;

export function rcloneGroupStore(remote: RcloneRemote): GroupManifestStore {
  return {
    display: remote.display,
    store: (file, m, signal) => remote.putSmall(file, groupManifestPath(m.group, m.timestamp), signal),
    list: async (group, signal) => {
      const dir = `${GROUPS_DIR}/${safeSegment(group)}`;
      return (await remote.files(dir, signal))
        .flatMap((f) => {
          const m = NAME.exec(f);
          return m && !f.includes('/') ? [{ group, timestamp: m[1]!, ref: `${dir}/${f}` }] : [];
        })
        .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
    },
    read: async (set, signal) => parseGroupManifest(await remote.readText(set.ref, signal), `${remote.display}/${set.ref}`),
    remove: (set, signal) => remote.delete(set.ref, signal),
    held: async (container, type, instance, signal) => new Set((await remote.list(`${safeSegment(container)}/${targetName({ type, instance })}`, signal)).flatMap((b) => (b.manifest ? [heldKey(b.manifest.timestamp, b.manifest.sha256)] : []))),
  };
}

export function resticGroupStore(repo: ResticRepository): GroupManifestStore {
  let forgotten = 0;
  return {
    display: `restic ${repo.display}`,
    store: async (file, m, signal) => {
      await repo.backupStdin(createReadStream(file), {
        stdinFilename: groupManifestPath(m.group, m.timestamp),
        tags: ['baqup:group', `group:${m.group}`, `set:${m.timestamp}`],
        ...(signal ? { signal } : {}),
      });
    },
    list: async (group) => {
      const snaps = await repo.snapshots({ tags: ['baqup:group', `group:${group}`], host: repo.host });
      return snaps
        .flatMap((s) => {
          const timestamp = s.tags.find((t) => t.startsWith('set:'))?.slice('set:'.length);
          return timestamp ? [{ group, timestamp, ref: s.id }] : [];
        })
        .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
    },
    read: async (set, signal) => {
      const chunks: Buffer[] = [];
      for await (const c of repo.dump(set.ref, groupManifestPath(set.group, set.timestamp), signal)) chunks.push(c as Buffer);
      return parseGroupManifest(Buffer.concat(chunks).toString('utf8'), `restic snapshot ${set.ref.slice(0, 8)}`);
    },
    remove: async (set) => {
      await repo.forgetSnapshots([set.ref]);
      forgotten++;
    },
    held: async (container, type, instance) => {
      const snaps = await repo.snapshots({ tags: [`container:${container}`, `target:${targetName({ type, instance })}`], host: repo.host });
      return new Set(snaps.flatMap((s) => {
        const m = manifestFromTags(s.tags);
        return m ? [heldKey(m.timestamp, m.sha256)] : [];
      }));
    },
    finish: async () => {
      if (forgotten > 0) await repo.prune();
      forgotten = 0;
    },
  };
}

/** A set goes when none of its backups is held any more (its members were all pruned); one with a member left stays. */
export function orphanedSet(m: GroupManifest, held: (container: string, type: string, instance: string, key: string) => boolean): boolean {
  const backups = m.members.flatMap((x) => x.backups.map((b) => ({ container: x.container, ...b })));
  return backups.length > 0 && backups.every((b) => !held(b.container, b.type, b.instance, heldKey(b.timestamp, b.sha256)));
}

/** How a held backup is matched to a set's: its timestamp and its sha256. */
export const heldKey = (timestamp: string, sha256: string): string => `${timestamp}:${sha256}`;

/**
 * Retention of a group's sets off-host, by their members: each set whose backups are all gone from the store is
 * removed. Never throws: problems are logged (`prune.failed`) and the set is kept.
 */
export async function pruneGroupSets(store: GroupManifestStore, group: string, logger: Logger, fields: LogFields = {}, signal?: AbortSignal): Promise<string[]> {
  const removed: string[] = [];
  try {
    const cache = new Map<string, Set<string>>();
    const heldOf = async (container: string, type: string, instance: string): Promise<Set<string>> => {
      const key = targetKey(container, { type, instance });
      let s = cache.get(key);
      if (!s) cache.set(key, (s = await store.held(container, type, instance, signal)));
      return s;
    };
    for (const set of await store.list(group, signal)) {
      const m = await store.read(set, signal);
      for (const x of m.members) for (const b of x.backups) await heldOf(x.container, b.type, b.instance);
      if (!orphanedSet(m, (c, t, i, key) => cache.get(`${c}/${t}-${i}`)!.has(key))) continue;
      await store.remove(set, signal);
      removed.push(set.timestamp);
      logger.info('group set pruned off-host: none of its backups is left', { ...fields, event: 'prune.deleted', group, set: set.timestamp, side: 'remote' });
    }
    await store.finish?.();
  } catch (err) {
    logger.warn('group sets not pruned off-host', { ...fields, event: 'prune.failed', group, side: 'remote', error: { code: errorCode(err), message: errorMessage(err) } });
  }
  return removed;
}
